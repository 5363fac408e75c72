from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from desk.selectors import client_cards_public


class DeskLoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


@login_required
def home(request):
    return render(request, "desk/home.html", {"cards": client_cards_public()})


@require_GET
def health(request):
    """For load balancers: the database answers and the request's schema is known."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return JsonResponse({"status": "ok", "schema": connection.schema_name})
