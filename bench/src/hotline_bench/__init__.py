"""Drives load through the running platform and counts its effects where they land.

``make bench`` (``python -m hotline_bench``) measures throughput and latency against this
machine's own limits; ``make chaos`` (``python -m hotline_bench.chaos``) proves nothing is lost
or doubled while processes crash. The end-to-end tests use the same flow driver.
"""
