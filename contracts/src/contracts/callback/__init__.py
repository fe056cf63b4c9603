"""Events published by the callback service."""
