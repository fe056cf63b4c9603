"""Notification: tells residents by SMS and e-mail what happened to their request."""
