"""Hours: clients' business hours and closures, SLA targets, resolution clocks and the SLA
sweep (public schema)."""
