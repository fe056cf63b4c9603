"""Notification's HTTP API: what each resident was told."""
