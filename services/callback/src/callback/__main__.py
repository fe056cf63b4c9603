"""``python -m callback``: run the callback service."""

from callback.bootstrap import bootstrap

bootstrap().serve()
