"""The WSGI application benchmarks/api.py serves with gunicorn: the project's own
(``config.wsgi``), with the API's rate limit lifted so that the load is measured, not
refused (the count is still kept: its cache round trip stays in every request)."""

from config.wsgi import application
from restapi import api as restapi_api

restapi_api.RATE_LIMIT = 10**9

__all__ = ["application"]
