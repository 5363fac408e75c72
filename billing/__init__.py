"""Billing: price plans, the usage ledger, rating and invoices."""
