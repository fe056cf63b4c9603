"""Events the property sites' own systems feed into the hotline (inbound; intake consumes them)."""
