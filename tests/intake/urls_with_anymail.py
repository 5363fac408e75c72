"""The agency's URLs with the providers' inbound webhooks, as production has them when
ANYMAIL_WEBHOOK_SECRET is set (urls_public decides that once, at import)."""

from django.urls import include, path

from config.urls_public import urlpatterns as agency_urlpatterns

urlpatterns = [*agency_urlpatterns, path("anymail/", include("anymail.urls"))]
