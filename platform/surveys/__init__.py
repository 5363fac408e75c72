"""Satisfaction surveys after a resolved conversation, on its own channel."""
