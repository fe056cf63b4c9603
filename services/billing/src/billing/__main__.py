"""``python -m billing``: run the billing service."""

from billing.entrypoints.app import build

build().serve()
