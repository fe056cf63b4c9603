"""Callback: schedules the follow-up calls that measure residents' satisfaction (回访)."""
