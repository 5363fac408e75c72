"""The e-invoice (UBL) of an invoice on the portal and in the REST API: the same access rules
as its PDF, and a document the official validators accept."""

import itertools
from decimal import Decimal

import pytest
from django.test import Client as HttpClient
from lxml import etree

from audit.models import AuditEvent
from billing.models import Invoice
from tenants.models import ApiKey
from tenants.services import api_key_issue
from tests.billing.einvoice.validation import fatal, schema_errors, schematron_findings
from tests.support import einvoice
from tests.support.billing import billing_users, utc
from tests.support.portal import signed_in_at as signed_in
from tests.support.tenancy import host_of

pytestmark = pytest.mark.django_db
_sequences = itertools.count(900001)
CBC = "{urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2}"


def vat_invoice(client) -> Invoice:
    sequence = next(_sequences)
    return einvoice.vat_invoice(
        client, sequence=sequence, revision=sequence - 899990, issued_at=utc(2026, 11, 2, 8)
    )


@pytest.fixture
def users(two_clients):
    return billing_users(two_clients)


def test_a_client_downloads_its_e_invoice_which_the_validators_accept(two_clients, users):
    invoice = vat_invoice(two_clients.a)
    http = signed_in(users["a"], host_of(two_clients.a))

    page = http.get(f"/invoices/{invoice.pk}/")
    listing = http.get("/invoices/")
    response = http.get(f"/invoices/{invoice.pk}/invoice.xml")

    assert f'href="/invoices/{invoice.pk}/invoice.xml"' in page.text
    assert "Stáhnout e-fakturu (UBL XML)" in page.text
    assert f'href="/invoices/{invoice.pk}/invoice.xml"' in listing.text
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    assert response["Content-Disposition"] == (
        f'attachment; filename="invoice-{invoice.number}.xml"'
    )
    root = etree.fromstring(response.content)
    assert root.findtext(f"{CBC}ID") == invoice.number
    assert Decimal(root.findtext(f".//{CBC}PayableAmount")) == invoice.total_with_vat
    # The settings' issuer has no address here: a party of a country alone is still valid.
    assert schema_errors(response.content) == []
    assert fatal(schematron_findings(response.content)) == []
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.INVOICE_DOWNLOADED, object_id=str(invoice.pk)
    ).exists()


def test_another_clients_e_invoice_is_404(two_clients, users):
    theirs = vat_invoice(two_clients.a)
    http = signed_in(users["b"], host_of(two_clients.b))

    response = http.get(f"/invoices/{theirs.pk}/invoice.xml")
    on_their_domain = signed_in(users["a"], host_of(two_clients.a)).get(
        f"/invoices/{theirs.pk}/invoice.xml", HTTP_HOST=host_of(two_clients.b)
    )

    assert response.status_code == 404 and theirs.number not in response.content.decode()
    assert on_their_domain.status_code == 404


def test_an_invoice_issued_before_vat_says_it_has_no_e_invoice(two_clients, users):
    before_vat = einvoice.invoice_before_vat(
        two_clients.a, sequence=next(_sequences), issued_at=utc(2026, 10, 2, 8)
    )
    http = signed_in(users["a"], host_of(two_clients.a))

    page = http.get(f"/invoices/{before_vat.pk}/")

    assert "/invoice.xml" not in page.text
    assert 'id="invoice-no-einvoice"' in page.text
    assert http.get(f"/invoices/{before_vat.pk}/invoice.xml").status_code == 404
    assert http.get("/invoices/999999999/invoice.xml").status_code == 404


def test_an_e_invoice_missing_the_suppliers_vat_id_is_not_offered_and_says_so(two_clients, users):
    invoice = einvoice.vat_invoice(
        two_clients.a,
        sequence=next(_sequences),
        revision=30000,
        issued_at=utc(2026, 11, 2, 8),
        supplier_vat_id="",
    )
    http = signed_in(users["a"], host_of(two_clients.a))

    page = http.get(f"/invoices/{invoice.pk}/")

    assert "/invoice.xml" not in page.text
    assert "údaje o dodavateli, které potřebuje, nejsou úplné" in page.text
    assert http.get(f"/invoices/{invoice.pk}/invoice.xml").status_code == 404


def api_get(key: str, path: str):
    return HttpClient(HTTP_HOST="localhost").get(path, HTTP_AUTHORIZATION=f"Bearer {key}")


def test_the_api_links_and_serves_the_e_invoice_per_client(two_clients):
    invoice = vat_invoice(two_clients.a)
    _, key_a = api_key_issue(client=two_clients.a, name="shop", scopes=tuple(ApiKey.Scope.values))
    _, key_b = api_key_issue(client=two_clients.b, name="shop", scopes=tuple(ApiKey.Scope.values))

    listed = {row["number"]: row for row in api_get(key_a, "/api/v1/invoices").json()["data"]}
    response = api_get(key_a, listed[invoice.number]["xml"])
    refused = api_get(key_b, f"/api/v1/invoices/{invoice.number}/xml")

    assert listed[invoice.number]["xml"] == f"/api/v1/invoices/{invoice.number}/xml"
    assert response.status_code == 200 and response["Content-Type"] == "application/xml"
    assert schema_errors(response.content) == []
    assert refused.status_code == 404 and refused["Content-Type"] == "application/problem+json"


def test_the_api_says_why_an_invoice_before_vat_has_no_e_invoice(two_clients):
    before_vat = einvoice.invoice_before_vat(
        two_clients.a, sequence=next(_sequences), issued_at=utc(2026, 10, 2, 8)
    )
    _, key = api_key_issue(client=two_clients.a, name="shop", scopes=tuple(ApiKey.Scope.values))

    listed = {row["number"]: row for row in api_get(key, "/api/v1/invoices").json()["data"]}
    response = api_get(key, f"/api/v1/invoices/{before_vat.number}/xml")

    assert listed[before_vat.number]["xml"] is None
    assert response.status_code == 404
    assert "before VAT" in response.json()["detail"]


def test_the_api_offers_no_e_invoice_it_would_refuse_and_names_no_setting(two_clients, users):
    invoice = einvoice.vat_invoice(
        two_clients.a,
        sequence=next(_sequences),
        revision=30001,
        issued_at=utc(2026, 11, 2, 8),
        supplier_vat_id="",
    )
    _, key = api_key_issue(client=two_clients.a, name="shop", scopes=tuple(ApiKey.Scope.values))

    listed = {row["number"]: row for row in api_get(key, "/api/v1/invoices").json()["data"]}
    response = api_get(key, f"/api/v1/invoices/{invoice.number}/xml")
    page = signed_in(users["a"], host_of(two_clients.a)).get("/invoices/")

    assert listed[invoice.number]["xml"] is None
    assert response.status_code == 404 and "contact the agency" in response.json()["detail"]
    assert "POLYDESK" not in response.text
    assert f"/invoices/{invoice.pk}/invoice.xml" not in page.text
