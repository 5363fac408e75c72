"""WSGI entry point (gunicorn config.wsgi). Requests stay synchronous: django-tenants keeps
the tenant's schema on the thread's connection, which async ORM calls would lose."""

import os

from django.core.wsgi import get_wsgi_application

from config.deployment import deployment_refuse

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()
# Outside development, refuse to serve with the development key, DEBUG on a public host,
# the embedded database or no broker (one line each).
deployment_refuse()
