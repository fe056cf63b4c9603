"""``python -m callback``: run the callback service."""

from callback.entrypoints.app import build

build().serve()
