"""URLs of the agency's domain (public schema): agent desk, admin, webhooks."""

from django.conf import settings
from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView

from accounts import two_factor_views
from accounts import views as accounts_views
from intake import views as intake_views
from restapi import views as restapi_views
from restapi.api import api as rest_api
from telephony import views as telephony_views

urlpatterns = [
    path("", include("desk.urls")),
    # Pages name their icon; what asks for /favicon.ico without a page (a PDF, the JSON API
    # opened in a browser) is sent to the same file, under its name of the day.
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("polydesk/icon.svg"))),
    # The admin's own sign-in page would skip the second step: it sends to the site's.
    path("admin/login/", two_factor_views.admin_login, name="admin-login"),
    path("admin/", admin.site.urls),
    path("accounts/two-factor/", include("accounts.urls")),
    path("language/", accounts_views.language_set, name="language_set"),
    path("mail/inbound", intake_views.email_intake, name="mail-intake"),
    path("twilio/messaging", telephony_views.messaging_inbound, name="twilio-messaging"),
    path("twilio/voice/", include("telephony.voice.urls")),
    # The JSON API (django-ninja: every endpoint, its OpenAPI document) and its reference.
    path("api/v1/docs", restapi_views.reference, name="api-reference"),
    path("api/v1/", rest_api.urls),
]

if settings.ANYMAIL.get("WEBHOOK_SECRET"):
    # E-mail providers' inbound webhooks, normalised by django-anymail, e.g.
    # /anymail/mailgun/inbound/. Only with a secret: anymail would otherwise accept anyone.
    urlpatterns.append(path("anymail/", include("anymail.urls")))
