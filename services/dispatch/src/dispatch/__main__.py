"""``python -m dispatch``: run the dispatch service."""

from dispatch.entrypoints.app import build

build().serve()
