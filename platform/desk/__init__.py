"""The agent desk, served on the agency's domain (public URLconf)."""
