"""The client portal, served on each client's own domain (tenant URLconf)."""
