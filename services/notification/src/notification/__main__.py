"""``python -m notification``: run the notification service."""

from notification.entrypoints.app import build

build().serve()
