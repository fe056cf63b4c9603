"""Plumbing shared by the hotline services: settings, logging, auth, persistence, messaging.

Nothing here knows the business; service-specific rules live in each service's ``domain``.
"""
