"""URLs of the agency's domain (public schema): agent desk, admin, webhooks."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from conversations import api as conversations_api
from desk import views as desk_views
from intake import views as intake_views
from telephony import views as telephony_views

urlpatterns = [
    path("", desk_views.home, name="home"),
    path("accounts/login/", desk_views.DeskLoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("health/", desk_views.health, name="health"),
    path("desk/presence", desk_views.presence, name="desk-presence"),
    path("desk/next", desk_views.take_next, name="desk-next"),
    path("desk/heartbeat", desk_views.heartbeat, name="desk-heartbeat"),
    path("desk/items/<int:item_id>", desk_views.item_detail, name="desk-item"),
    path("desk/items/<int:item_id>/language", desk_views.item_language, name="desk-item-language"),
    path("desk/items/<int:item_id>/reply", desk_views.item_reply, name="desk-item-reply"),
    path("desk/items/<int:item_id>/done", desk_views.item_done, name="desk-item-done"),
    path("desk/items/<int:item_id>/resolve", desk_views.item_resolve, name="desk-item-resolve"),
    path("desk/items/<int:item_id>/note", desk_views.item_note, name="desk-item-note"),
    path("desk/items/<int:item_id>/triage", desk_views.item_triage, name="desk-item-triage"),
    path("desk/items/<int:item_id>/queue", desk_views.item_queue, name="desk-item-queue"),
    path("desk/items/<int:item_id>/transfer", desk_views.item_transfer, name="desk-item-transfer"),
    path(
        "desk/items/<int:item_id>/call-outcome",
        desk_views.item_call_outcome,
        name="desk-item-call-outcome",
    ),
    path(
        "desk/items/<int:item_id>/call-back", desk_views.item_call_back, name="desk-item-call-back"
    ),
    path(
        "desk/items/<int:item_id>/recording", desk_views.item_recording, name="desk-item-recording"
    ),
    path(
        "desk/items/<int:item_id>/attachments/<int:attachment_id>",
        desk_views.item_attachment,
        name="desk-item-attachment",
    ),
    path(
        "desk/items/<int:item_id>/messages/<int:message_id>/original",
        desk_views.item_original,
        name="desk-item-original",
    ),
    path("desk/live", desk_views.live, name="desk-live"),
    path("desk/wall", desk_views.wall, name="desk-wall"),
    path(
        "desk/deliveries/<int:delivery_id>/retry",
        desk_views.delivery_retry,
        name="desk-delivery-retry",
    ),
    path("admin/", admin.site.urls),
    path("billing/", include("billing.urls_agency")),
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
]

if settings.ANYMAIL.get("WEBHOOK_SECRET"):
    # E-mail providers' inbound webhooks, normalised by django-anymail, e.g.
    # /anymail/mailgun/inbound/. Only with a secret: anymail would otherwise accept anyone.
    urlpatterns.append(path("anymail/", include("anymail.urls")))
