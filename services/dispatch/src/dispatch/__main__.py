"""``python -m dispatch``: run the dispatch service."""

from dispatch.bootstrap import bootstrap

bootstrap().serve()
