"""``python -m intake``: run the intake service."""

from intake.entrypoints.app import build

build().serve()
