"""Events published by the intake service."""
