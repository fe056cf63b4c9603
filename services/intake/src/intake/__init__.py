"""Intake: registers every request that reaches the hotline and triages it (登记, 判别)."""
