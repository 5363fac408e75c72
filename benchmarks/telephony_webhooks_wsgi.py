"""The WSGI application benchmarks/telephony_webhooks.py serves with gunicorn: the project's
own (``config.wsgi``), plus the floor, an empty view at ``/bench/empty`` on the agency's
domain. It answers a POST shaped like a webhook's with a constant TwiML document, through
the same middleware (the host's client included), so that the two ceilings differ only by
what the webhooks themselves do."""

import importlib

from django.http import HttpRequest, HttpResponse
from django.urls import clear_url_caches, path
from django.views.decorators.csrf import csrf_exempt

from config.wsgi import application

# Once the application has set Django up: the URL configuration imports the views' models.
urls_public = importlib.import_module("config.urls_public")

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response />'


@csrf_exempt
def empty(request: HttpRequest) -> HttpResponse:
    return HttpResponse(EMPTY_TWIML, content_type="text/xml")


urls_public.urlpatterns.append(path("bench/empty", empty, name="bench-empty"))
clear_url_caches()

__all__ = ["application"]
