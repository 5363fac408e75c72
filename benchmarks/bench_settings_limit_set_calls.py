"""The project's settings plus django-tenants' TENANT_LIMIT_SET_CALLS, for measuring that
lever with benchmarks/telephony_webhooks.py --limit-set-calls: forced on even when
POLYDESK_TENANT_LIMIT_SET_CALLS=0 (the project's default is on)."""

from config.settings import *  # noqa: F403

TENANT_LIMIT_SET_CALLS = True
