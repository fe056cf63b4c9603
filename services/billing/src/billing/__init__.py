"""Billing: prices completed paid services from the site's price list and raises charges (收费)."""
