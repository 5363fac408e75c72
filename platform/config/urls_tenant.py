"""URLs of a client's domain (tenant schema): the client portal."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts import two_factor_views
from accounts import views as accounts_views
from content.admin import content_admin_site
from desk.views.inbox import health
from portal import views as portal_views

urlpatterns = [
    path("", portal_views.dashboard, name="home"),
    path("customers/", portal_views.customer_list, name="customers"),
    path("invoices/", include("portal.urls_invoices")),
    path("accounts/login/", portal_views.PortalLoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/two-factor/", include("accounts.urls")),
    path("language/", accounts_views.language_set, name="language_set"),
    path("", include("portal.urls")),
    path("health/", health, name="health"),
    # The shop's order webhooks (orders.views): signed, no session.
    path("", include("orders.urls")),
    # The chat widget's API (widget.views): token-authenticated, no session, CORS.
    path("widget/v1/", include("widget.urls")),
    # The e-mail survey's rating page: public, the signed token is the customer's key.
    path("", include("surveys.urls")),
    # The client's public help center (helpcenter.views): no sign-in.
    path("", include("helpcenter.urls")),
    # Agency admins edit this client's content here (canned replies, FAQ, templates).
    # The admin's own sign-in page would skip the second step: it sends to the site's.
    path("admin/login/", two_factor_views.admin_login, name="admin-login"),
    path("admin/", content_admin_site.urls),
]
