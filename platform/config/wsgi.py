"""WSGI entry point (gunicorn config.wsgi). Requests stay synchronous: django-tenants keeps
the tenant's schema on the thread's connection, which async ORM calls would lose."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()
