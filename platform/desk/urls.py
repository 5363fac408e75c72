"""The desk's URLs on the agency's domain (included at the root of ``config.urls_public``)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from desk.views import (
    agent,
    audit,
    calls,
    claims,
    compose,
    inbox,
    items,
    merge,
    privacy,
    revenue,
    search,
    spam,
    wall,
)

urlpatterns = [
    path("", inbox.home, name="home"),
    path("accounts/login/", inbox.DeskLoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("health/", inbox.health, name="health"),
    path("desk/presence", inbox.presence, name="desk-presence"),
    path("desk/next", inbox.take_next, name="desk-next"),
    path("desk/heartbeat", inbox.heartbeat, name="desk-heartbeat"),
    path("desk/live", inbox.live, name="desk-live"),
    path("billing/", revenue.agency_revenue, name="billing-revenue"),
    path("desk/items/<int:item_id>", items.item_detail, name="desk-item"),
    path("desk/items/<int:item_id>/language", items.item_language, name="desk-item-language"),
    path("desk/items/<int:item_id>/reply", items.item_reply, name="desk-item-reply"),
    path("desk/items/<int:item_id>/done", items.item_done, name="desk-item-done"),
    path("desk/items/<int:item_id>/resolve", items.item_resolve, name="desk-item-resolve"),
    path("desk/items/<int:item_id>/note", items.item_note, name="desk-item-note"),
    path("desk/items/<int:item_id>/triage", items.item_triage, name="desk-item-triage"),
    path("desk/items/<int:item_id>/queue", items.item_queue, name="desk-item-queue"),
    path("desk/items/<int:item_id>/transfer", items.item_transfer, name="desk-item-transfer"),
    path("desk/items/<int:item_id>/spam", spam.item_spam, name="desk-item-spam"),
    path("desk/spam", spam.spam_list, name="desk-spam"),
    path(
        "desk/clients/<int:client_id>/spam/<int:conversation_id>/not-spam",
        spam.not_spam,
        name="desk-not-spam",
    ),
    path(
        "desk/items/<int:item_id>/attachments/<int:attachment_id>",
        items.item_attachment,
        name="desk-item-attachment",
    ),
    path(
        "desk/items/<int:item_id>/messages/<int:message_id>/original",
        items.item_original,
        name="desk-item-original",
    ),
    path(
        "desk/items/<int:item_id>/call-outcome",
        calls.item_call_outcome,
        name="desk-item-call-outcome",
    ),
    path("desk/items/<int:item_id>/call-back", calls.item_call_back, name="desk-item-call-back"),
    path("desk/items/<int:item_id>/recording", calls.item_recording, name="desk-item-recording"),
    path("desk/wall", wall.wall, name="desk-wall"),
    path(
        "desk/deliveries/<int:delivery_id>/retry",
        wall.delivery_retry,
        name="desk-delivery-retry",
    ),
    path("desk/compose", compose.compose, name="desk-compose"),
    path("desk/items/<int:item_id>/forward", compose.item_forward, name="desk-item-forward"),
    path("desk/items/<int:item_id>/claim", claims.claim, name="desk-item-claim"),
    path("desk/items/<int:item_id>/assign", claims.assign, name="desk-item-assign"),
    path("desk/wall/live", wall.wall_live, name="desk-wall-live"),
    path("desk/wall/items", wall.wall_items, name="desk-wall-items"),
    path("desk/figures", agent.figures, name="desk-figures"),
    path("desk/settings", agent.agent_settings, name="desk-settings"),
    path("desk/items/<int:item_id>/viewers", agent.item_viewers, name="desk-item-viewers"),
    path("desk/mine", agent.my_items, name="desk-mine"),
    path("desk/pulse", agent.pulse, name="desk-pulse"),
    path("desk/search", search.search, name="desk-search"),
    path("desk/audit", audit.audit_log, name="desk-audit"),
    path("desk/audit.csv", audit.audit_export, name="desk-audit-export"),
    path(
        "desk/clients/<int:client_id>/conversations/<int:conversation_id>",
        search.conversation,
        name="desk-conversation",
    ),
    # Merging (conversations.merge, customers.services.customer_merge).
    path("desk/items/<int:item_id>/merge", merge.item_merge, name="desk-item-merge"),
    path(
        "desk/clients/<int:client_id>/customers/<int:customer_id>",
        merge.customer_page,
        name="desk-customer",
    ),
    path(
        "desk/clients/<int:client_id>/customers/<int:customer_id>/merge",
        merge.customer_merge_view,
        name="desk-customer-merge",
    ),
    # A customer's data: export and erasure (customers.export, customers.services).
    path(
        "desk/clients/<int:client_id>/customers/<int:customer_id>/export",
        privacy.customer_export_view,
        name="desk-customer-export",
    ),
    path(
        "desk/clients/<int:client_id>/customers/<int:customer_id>/erase",
        privacy.customer_erase_view,
        name="desk-customer-erase",
    ),
]
