from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from customers.models import Customer
from customers.selectors import customer_search
from portal.forms import PortalAuthenticationForm


class PortalLoginView(auth_views.LoginView):
    authentication_form = PortalAuthenticationForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True


@login_required
def dashboard(request):
    client = request.tenant
    context = {
        "client": client,
        "now": timezone.now(),
        "customer_count": Customer.objects.filter(erased_at__isnull=True).count(),
    }
    return render(request, "portal/dashboard.html", context)


@login_required
def customer_list(request):
    # PostgreSQL text cannot hold NUL; a pasted one must not become a server error.
    query = request.GET.get("q", "").replace("\x00", "").strip()
    page = Paginator(customer_search(query=query), 50).get_page(request.GET.get("page"))
    return render(
        request, "portal/customers.html", {"client": request.tenant, "page": page, "q": query}
    )
