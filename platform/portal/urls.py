"""The client portal's pages beyond sign-in (included by config.urls_tenant)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from portal import (
    audit,
    customers,
    helpcenter,
    order_updates,
    retention,
    security,
    shop,
    team,
    views,
    webhooks,
    widget,
)

urlpatterns = [
    path("export/<slug:table>.csv", views.dashboard_export, name="dashboard_export"),
    path("customers/export.csv", views.customer_export, name="customers_export"),
    path("customers/<int:customer_id>/", customers.customer_detail, name="customer"),
    path(
        "customers/<int:customer_id>/export",
        customers.customer_export_view,
        name="customer_export",
    ),
    path("customers/<int:customer_id>/erase", customers.customer_erase_view, name="customer_erase"),
    path("conversations/", views.conversation_list, name="conversations"),
    path("conversations/export.csv", views.conversation_export, name="conversations_export"),
    path("conversations/<int:conversation_id>/", views.conversation_detail, name="conversation"),
    path(
        "conversations/<int:conversation_id>/attachments/<int:attachment_id>",
        views.conversation_attachment,
        name="conversation_attachment",
    ),
    path("calls/", views.call_list, name="calls"),
    path("calls/export.csv", views.call_export, name="calls_export"),
    path("reports/", views.report_list, name="reports"),
    path("reports/request/", views.report_request, name="report_request"),
    path("reports/export.csv", views.report_export, name="reports_export"),
    path("reports/<str:month>.pdf", views.report_download, name="report_download"),
    path("privacy/retention/", retention.retention_page, name="retention"),
    path("order-updates/", order_updates.order_updates_page, name="order_updates"),
    path(
        "order-updates/settings/",
        order_updates.order_update_settings_page,
        name="order_update_settings",
    ),
    path("help-center/", helpcenter.help_center_page, name="help_center"),
    path("help-center/settings/", helpcenter.help_center_settings, name="help_center_settings"),
    path("audit/", audit.audit_log, name="audit"),
    path("security/", security.security, name="security"),
    path("audit/export.csv", audit.audit_export, name="audit_export"),
    path("team/", team.team_users, name="team_users"),
    path("team/invite/", team.team_invite, name="team_invite"),
    path("team/<int:user_id>/resend/", team.team_user_resend, name="team_user_resend"),
    path("team/<int:user_id>/role/", team.team_user_role, name="team_user_role"),
    path("team/<int:user_id>/remove/", team.team_user_remove, name="team_user_remove"),
    path("team/recipients/", team.team_recipients, name="team_recipients"),
    path("team/recipients/remove/", team.team_recipient_remove, name="team_recipient_remove"),
    path("team/api-keys/", team.team_api_keys, name="team_api_keys"),
    path(
        "team/api-keys/<int:key_id>/revoke/", team.team_api_key_revoke, name="team_api_key_revoke"
    ),
    path(
        "team/api-keys/<int:key_id>/scopes/", team.team_api_key_scopes, name="team_api_key_scopes"
    ),
    path("shop/", shop.shop_page, name="shop"),
    path("shop/test/", shop.shop_test, name="shop_test"),
    path("chat-widget/", widget.widget_page, name="widget_settings"),
    path("webhooks/", webhooks.webhooks_page, name="webhooks"),
    path("webhooks/<int:endpoint_id>/resume/", webhooks.webhook_resume, name="webhook_resume"),
    path("webhooks/<int:endpoint_id>/remove/", webhooks.webhook_remove, name="webhook_remove"),
    path("webhooks/<int:endpoint_id>/rotate/", webhooks.webhook_rotate, name="webhook_rotate"),
    path(
        "webhooks/deliveries/<int:webhook_delivery_id>/replay/",
        webhooks.webhook_replay,
        name="webhook_replay",
    ),
    path(
        "accounts/invitation/<uidb64>/<token>/",
        team.InvitationAcceptView.as_view(),
        name="invitation_accept",
    ),
    path(
        "accounts/password-reset/", views.PortalPasswordResetView.as_view(), name="password_reset"
    ),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="registration/password_reset_done.html"
        ),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        views.PortalPasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="registration/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
]
