"""Staffing: contacts forecast per language pool, the agents each hour needs, shifts and
what-ifs (docs/staffing.md)."""
