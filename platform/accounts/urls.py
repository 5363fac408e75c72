"""Two factors' pages, the same on the agency's site and on every client's portal
(included under ``accounts/two-factor/`` by both URL configurations)."""

from django.urls import path

from accounts import two_factor_views as views

urlpatterns = [
    path("", views.two_factor_settings, name="two_factor_settings"),
    path("code/", views.two_factor_code, name="two_factor_code"),
    path("enrol/", views.two_factor_enrol, name="two_factor_enrol"),
    path("recovery-codes/", views.two_factor_recovery_codes, name="two_factor_recovery_codes"),
    path("recovery-codes/new", views.two_factor_regenerate, name="two_factor_regenerate"),
    path("remove", views.two_factor_remove, name="two_factor_remove"),
    path(
        "browsers/<int:browser_id>/forget",
        views.two_factor_browser_forget,
        name="two_factor_browser_forget",
    ),
]
