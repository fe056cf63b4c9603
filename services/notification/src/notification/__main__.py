"""``python -m notification``: run the notification service."""

from notification.bootstrap import bootstrap

bootstrap().serve()
