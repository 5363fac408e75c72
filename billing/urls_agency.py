"""The agency's billing overview (public URLconf)."""

from django.urls import path

from billing import views

urlpatterns = [path("", views.agency_revenue, name="billing-revenue")]
