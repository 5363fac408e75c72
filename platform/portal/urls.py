"""The client portal's pages beyond sign-in (included by config.urls_tenant)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from portal import audit, customers, views

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
    path("audit/", audit.audit_log, name="audit"),
    path("audit/export.csv", audit.audit_export, name="audit_export"),
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
