"""The shops' order webhooks on the client's domain (included by config.urls_tenant)."""

from django.urls import path

from orders import views

urlpatterns = [
    path("order-events/shopify/", views.shopify_webhook, name="order-events-shopify"),
    path("order-events/woocommerce/", views.woocommerce_webhook, name="order-events-woocommerce"),
]
