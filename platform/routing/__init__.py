"""Routing: the cross-client work queue, agent presence and the router (public schema)."""
