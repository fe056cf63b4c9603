"""Dispatch: turns accepted requests into work orders and gets them to a technician (派工)."""
