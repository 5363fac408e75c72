"""Conversations and their messages, across channels (tenant schema)."""
