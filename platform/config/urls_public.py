"""URLs of the agency's domain (public schema): agent desk, admin, webhooks."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from accounts import two_factor_views
from accounts import views as accounts_views
from conversations import api as conversations_api
from intake import views as intake_views
from restapi import views as restapi_views
from restapi.api import api as rest_api
from telephony import views as telephony_views

urlpatterns = [
    path("", include("desk.urls")),
    # The admin's own sign-in page would skip the second step: it sends to the site's.
    path("admin/login/", two_factor_views.admin_login, name="admin-login"),
    path("admin/", admin.site.urls),
    path("accounts/two-factor/", include("accounts.urls")),
    path("language/", accounts_views.language_set, name="language_set"),
    path("api/v1/messages", conversations_api.messages_create, name="api-messages"),
    path("mail/inbound", intake_views.email_intake, name="mail-intake"),
    path("twilio/messaging", telephony_views.messaging_inbound, name="twilio-messaging"),
    path("twilio/voice/", include("telephony.voice.urls")),
    path(
        "api/v1/conversations/<int:conversation_id>",
        conversations_api.conversation_detail,
        name="api-conversation",
    ),
    path(
        "api/v1/conversations/<int:conversation_id>/messages",
        conversations_api.conversation_messages_create,
        name="api-conversation-messages",
    ),
    path(
        "api/v1/conversations/<int:conversation_id>/attachments/<int:attachment_id>",
        conversations_api.attachment_download,
        name="api-attachment",
    ),
    # The REST API's read endpoints and OpenAPI document (django-ninja), after the routes
    # above (which it leaves to conversations.api), and the reference page.
    path("api/v1/docs", restapi_views.reference, name="api-reference"),
    path("api/v1/", rest_api.urls),
]

if settings.ANYMAIL.get("WEBHOOK_SECRET"):
    # E-mail providers' inbound webhooks, normalised by django-anymail, e.g.
    # /anymail/mailgun/inbound/. Only with a secret: anymail would otherwise accept anyone.
    urlpatterns.append(path("anymail/", include("anymail.urls")))
