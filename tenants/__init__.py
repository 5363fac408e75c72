"""Clients (tenants) and their domains: models, provisioning and isolation."""
