"""The project's settings plus django-tenants' TENANT_LIMIT_SET_CALLS, for measuring that
lever with benchmarks/telephony_webhooks.py --limit-set-calls (not used by the project)."""

from config.settings import *  # noqa: F403

TENANT_LIMIT_SET_CALLS = True
