"""Runs the platform's real infrastructure without Docker: Kafka, FerretDB, SMTP and SMS sinks.

Everything is installed by the project's own code into a cache (``HOTLINE_CACHE``, default
``~/.cache/hotline``) and started with its data under a git-ignored folder.
"""
