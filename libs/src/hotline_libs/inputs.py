"""Patterns and types for what people type into an API, stated so the OpenAPI document and the
check agree (Schemathesis holds every service to its document)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

SHOWS_TEXT = r"[^\s\x1c-\x1f\x85]"
"""A pattern for text fields that are stripped before use: at least one character that stays.

The character class is what Python's ``str.strip`` keeps *and* what JSON Schema's (ECMAScript)
``\\S`` and pydantic's (Rust) ``\\S`` call text, so the document and the check agree."""

SiteInPath = Annotated[str, Path(min_length=1, max_length=40, pattern=SHOWS_TEXT)]
"""A site's id as a route's path parameter (``/income-statements/{site_id}``)."""
