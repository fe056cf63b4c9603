"""Events published by the billing service."""
