"""Events published by the notification service."""
