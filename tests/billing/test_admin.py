"""Billing's admin: the VIES action on clients, the evidence read-only, failed invoice
e-mails sent again."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.test import Client as HttpClient

from accounts.models import User
from billing.models import BillingMail, VatCheck
from billing.services import invoice_issue
from billing.services import mail as billing_mail
from tests.billing.services.test_mail import NOW, OCT
from tests.billing.services.test_vies import ISSUER
from tests.support.billing import plan_for
from tests.support.factories import UserFactory
from tests.support.fake_vies import FakeVies


@pytest.fixture
def agency_admin(two_clients) -> HttpClient:
    http = HttpClient(HTTP_HOST="localhost")
    http.force_login(UserFactory(role=User.Role.ADMIN, is_staff=True, is_superuser=True))
    return http


def test_the_client_admin_checks_the_selected_vat_ids_in_vies(make_client, agency_admin, settings):
    client = make_client(countries=("DE",), languages=("de",))
    client.vat_id = "DE136695976"
    client.save()
    with FakeVies() as vies:
        vies.registered["DE136695976"] = ("Beispiel GmbH", "Berlin")
        settings.VIES_URL, settings.INVOICE_ISSUER = vies.url, ISSUER
        page = agency_admin.post(
            "/admin/tenants/client/",
            {"action": "vat_ids_check_in_vies", "_selected_action": [client.pk]},
            follow=True,
        )
    assert page.status_code == 200
    assert "DE136695976: valid (WAPI" in page.text
    check = VatCheck.objects.get(client=client)
    assert check.valid and check.name == "Beispiel GmbH"
    # The evidence is read, never changed.
    assert agency_admin.get(f"/admin/billing/vatcheck/{check.pk}/change/").status_code == 200
    assert (
        agency_admin.post(
            f"/admin/billing/vatcheck/{check.pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )
    assert VatCheck.objects.filter(pk=check.pk).exists()


def test_vies_switched_off_says_so_in_the_admin(make_client, agency_admin, settings):
    client = make_client()
    client.vat_id = "DE136695976"
    client.save()
    settings.VIES_URL = ""
    page = agency_admin.post(
        "/admin/tenants/client/",
        {"action": "vat_ids_check_in_vies", "_selected_action": [client.pk]},
        follow=True,
    )
    assert "VIES is switched off" in page.text and not VatCheck.objects.exists()


def test_a_failed_mail_is_sent_again_from_its_admin_list(
    make_client, agency_admin, monkeypatch, django_capture_on_commit_callbacks
):

    monkeypatch.setattr(billing_mail, "invoice_ubl", lambda document: b"<Invoice/>")
    client = make_client(currency="CZK")
    client.billing_email = "finance@shop.example"
    client.save()
    plan_for(client, base_monthly_fee=Decimal("100"))
    invoice = invoice_issue(client=client, month=OCT, now=NOW).invoice
    # Issuing queued its mail (not sent here: no commit); it failed with the server's 550.
    failed = BillingMail.objects.get(invoice=invoice, kind="invoice")
    failed.state, failed.last_error = BillingMail.State.FAILED, "550"
    failed.save()
    listing = agency_admin.get("/admin/billing/billingmail/?state__exact=failed")
    assert "550" in listing.text
    with django_capture_on_commit_callbacks(execute=True):
        agency_admin.post(
            "/admin/billing/billingmail/",
            {"action": "send_again", "_selected_action": [failed.pk]},
        )
    failed.refresh_from_db()
    assert (failed.state, failed.attempts, failed.last_error) == ("sent", 1, "")


def test_a_staff_user_who_may_only_view_mails_cannot_send_them_again(make_client):

    viewer = UserFactory(role=User.Role.ADMIN, is_staff=True, is_superuser=False)
    viewer.user_permissions.add(Permission.objects.get(codename="view_billingmail"))
    http = HttpClient(HTTP_HOST="localhost")
    http.force_login(viewer)

    listing = http.get("/admin/billing/billingmail/")

    assert listing.status_code == 200 and "send_again" not in listing.text
