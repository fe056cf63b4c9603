"""``python -m intake``: run the intake service."""

from intake.bootstrap import bootstrap

bootstrap().serve()
