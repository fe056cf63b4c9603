"""``python -m billing``: run the billing service."""

from billing.bootstrap import bootstrap

bootstrap().serve()
