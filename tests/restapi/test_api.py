"""The REST API's read endpoints: each client reads only its own objects, each endpoint asks
for its scope, refusals are problem details, lists page by cursor, and the OpenAPI document
is valid and every operation in it is tested here (TESTED)."""

import base64
import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import Client as HttpClient
from django.utils import timezone
from openapi_spec_validator import validate

from billing.services.payments import payment_allocate, payment_record
from restapi import api as restapi_api
from search.models import SearchDocument
from tenants.models import ApiKey
from tenants.services import api_key_issue
from tests.support.billing import october_invoices_issue
from tests.support.csp import policy_problems
from tests.support.desk import inbound

pytestmark = pytest.mark.django_db

# Every operationId of the document, each with tests: below, in tests/restapi/test_*.py, and
# the first endpoints' in tests/conversations/test_api*.py (their refusals' shape below too).
TESTED = {
    "messages_create",
    "conversation_messages_create",
    "conversation_get",
    "attachment_get",
    "customers_list",
    "customers_get",
    "conversations_list",
    "kpis_get",
    "invoices_list",
    "invoices_pdf",
    "invoices_xml",  # tests/portal/test_invoice_xml.py
    "calls_list",
    "calls_get",
    "surveys_list",
    "customers_save",
    "order_events_create",  # tests/restapi/test_order_events.py
}
PROBLEM = "application/problem+json"


def get(key: str | None, path: str, **params):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
    return HttpClient(HTTP_HOST="localhost").get(path, params, **headers)


def key_of(client, *scopes: str) -> str:
    _, raw = api_key_issue(client=client, name="shop", scopes=scopes or tuple(ApiKey.Scope.values))
    return raw


@pytest.fixture(autouse=True)
def _counters():
    cache.clear()  # the rate limit's windows


@pytest.fixture
def data(two_clients):
    """Three conversations of client A (two customers), one of client B."""
    first, _ = inbound(two_clients.a, "Dobrý den, kde jsou moje boty?", "jana@example.cz")
    second, _ = inbound(two_clients.a, "Reklamace kabátu, prosím o vrácení.", "petr@example.cz")
    third, _ = inbound(
        two_clients.a, "Ještě jednou: boty nedorazily.", "jana@example.cz", channel="email"
    )
    other, _ = inbound(two_clients.b, "Dzień dobry, gdzie są buty?", "anna@example.pl")
    return {"a": [first, second, third], "b": other}


def test_the_document_is_valid_and_every_operation_is_tested(two_clients):
    response = HttpClient(HTTP_HOST="localhost").get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    validate(document)
    operations = {
        operation["operationId"]
        for methods in document["paths"].values()
        for operation in methods.values()
    }
    assert operations == TESTED
    for methods in document["paths"].values():
        for operation in methods.values():
            assert operation["x-scope"] in ApiKey.Scope.values


def test_the_reference_page_is_ours_and_runs_no_script(two_clients):
    response = HttpClient(HTTP_HOST="localhost").get("/api/v1/docs")
    assert response.status_code == 200
    page = response.content.decode()
    # No outside script: the site's own, with the page's nonce.
    assert page.count("<script") == page.count('<script src="/static/')
    assert "/api/v1/conversations" in page and "invoices:read" in page
    assert 'id="problem-rate-limited"' in page
    assert policy_problems("/api/v1/docs", response) == []


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/customers",
        "/api/v1/customers/1",
        "/api/v1/conversations",
        "/api/v1/kpis/2026-10",
        "/api/v1/invoices",
        "/api/v1/invoices/X/pdf",
        "/api/v1/invoices/X/xml",
    ],
)
@pytest.mark.parametrize("key", [None, "nonsense", "pd_00000000_forged"])
def test_no_live_key_is_a_401_problem(two_clients, path, key):
    response = get(key, path)
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == 401 and body["type"] == "/api/v1/docs#problem-unauthorized"
    assert body["title"] and body["detail"]


@pytest.mark.parametrize(
    ("path", "scope"),
    [
        ("/api/v1/customers", "customers:read"),
        ("/api/v1/customers/1", "customers:read"),
        ("/api/v1/conversations", "conversations:read"),
        ("/api/v1/kpis/2026-10", "reports:read"),
        ("/api/v1/invoices", "invoices:read"),
        ("/api/v1/invoices/X/pdf", "invoices:read"),
        ("/api/v1/invoices/X/xml", "invoices:read"),
    ],
)
def test_a_key_without_the_scope_is_a_403_naming_it(two_clients, path, scope):
    others = [value for value in ApiKey.Scope.values if value != scope]
    response = get(key_of(two_clients.a, *others), path)
    assert response.status_code == 403
    assert response["Content-Type"] == PROBLEM
    assert response.json()["scope"] == scope
    assert response.json()["type"].endswith("#problem-missing-scope")


def test_customers_are_listed_filtered_and_read_per_client(two_clients, data):
    key_a, key_b = key_of(two_clients.a), key_of(two_clients.b)
    listed = get(key_a, "/api/v1/customers").json()
    assert sorted(c["email"] for c in listed["data"]) == ["jana@example.cz", "petr@example.cz"]
    assert listed["next"] is None
    assert [
        c["email"] for c in get(key_a, "/api/v1/customers", email="JANA@example.cz").json()["data"]
    ] == ["jana@example.cz"]
    assert [c["email"] for c in get(key_a, "/api/v1/customers", q="petr").json()["data"]] == [
        "petr@example.cz"
    ]
    assert get(key_b, "/api/v1/customers", q="petr").json()["data"] == []

    # Ids count per client (a schema's sequence may have run on): one of A's two customers
    # has an id that B's one customer has not.
    conversation = next(c for c in data["a"] if c.customer_id != data["b"].customer_id)
    customer_id = conversation.customer_id
    one = get(key_a, f"/api/v1/customers/{customer_id}")
    assert one.status_code == 200
    assert one.json()["email"] == (
        "jana@example.cz" if conversation is data["a"][0] else "petr@example.cz"
    )
    hidden = get(key_b, f"/api/v1/customers/{customer_id}")
    assert hidden.status_code == 404 and hidden["Content-Type"] == PROBLEM
    assert "petr" not in hidden.content.decode()


def test_conversations_page_by_cursor_and_filter(two_clients, data):
    key_a = key_of(two_clients.a)
    first = get(key_a, "/api/v1/conversations", limit=2)
    assert first.status_code == 200
    page = first.json()
    assert len(page["data"]) == 2 and page["next"].startswith("http://localhost/api/v1/")
    rest = HttpClient(HTTP_HOST="localhost").get(
        page["next"].removeprefix("http://localhost"), HTTP_AUTHORIZATION=f"Bearer {key_a}"
    )
    ids = [c["id"] for c in page["data"]] + [c["id"] for c in rest.json()["data"]]
    assert sorted(ids) == sorted(c.pk for c in data["a"]) and rest.json()["next"] is None

    found = get(key_a, "/api/v1/conversations", q="boty").json()["data"]
    assert sorted(c["id"] for c in found) == sorted([data["a"][0].pk, data["a"][2].pk])
    assert get(key_a, "/api/v1/conversations", channel="chat").json()["data"] == []
    assert len(get(key_a, "/api/v1/conversations", status="new").json()["data"]) == 3
    later = (timezone.now() + timedelta(hours=1)).isoformat()
    assert get(key_a, "/api/v1/conversations", updated_since=later).json()["data"] == []
    # Another client's conversations never show, whatever is searched.
    assert get(key_of(two_clients.b), "/api/v1/conversations", q="boty").json()["data"] == []
    assert SearchDocument.objects.filter(client=two_clients.b).count() == 1


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 101}, "limit"),
        ({"limit": 0}, "limit"),
        ({"cursor": "nonsense"}, "cursor"),
        # A cursor nested past the JSON parser (base64 of 3,000 "["): a 400, not a 500.
        ({"cursor": base64.urlsafe_b64encode(b"[" * 3000).decode()}, "cursor"),
        ({"status": "nope"}, "status"),
        ({"channel": "pigeon"}, "channel"),
        ({"language": "xx"}, "language"),
        ({"status": "New"}, "status"),
    ],
)
def test_a_bad_parameter_is_a_400_naming_the_field(two_clients, params, field):
    response = get(key_of(two_clients.a), "/api/v1/conversations", **params)
    assert response.status_code == 400 and response["Content-Type"] == PROBLEM
    assert [error["field"] for error in response.json()["errors"]] == [field]


def test_a_months_kpis(two_clients, data):
    key_a = key_of(two_clients.a)
    month = timezone.now().strftime("%Y-%m")
    response = get(key_a, f"/api/v1/kpis/{month}")
    assert response.status_code == 200
    body = response.json()
    assert body["month"] == month and body["figures"]["totals"]["received"] == 3
    assert (
        get(key_of(two_clients.b), f"/api/v1/kpis/{month}").json()["figures"]["totals"]["received"]
        == 1
    )
    bad = get(key_a, "/api/v1/kpis/october")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "month"
    assert get(key_a, "/api/v1/kpis/2999-01").status_code == 404


def test_invoices_and_their_pdf_per_client(two_clients):
    invoices = october_invoices_issue(two_clients)
    key_a, key_b = key_of(two_clients.a), key_of(two_clients.b)
    listed = get(key_a, "/api/v1/invoices").json()["data"]
    number_a = invoices["a"].number
    assert [invoice["number"] for invoice in listed] == [number_a]
    pdf = get(key_a, listed[0]["pdf"])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    stored = invoices["a"]
    (vat,) = stored.vat_totals.all()
    assert (listed[0]["vat_treatment"], listed[0]["payment_reference"]) == (
        "domestic",
        stored.payment_reference,
    )
    assert Decimal(listed[0]["vat_total"]) == stored.vat_total > 0
    assert Decimal(listed[0]["total_with_vat"]) == stored.total + stored.vat_total
    assert listed[0]["due_on"] == stored.due_on.isoformat()
    assert [
        (row["category"], Decimal(row["rate"]), Decimal(row["vat_amount"]))
        for row in (listed[0]["vat_totals"])
    ] == [("S", vat.rate, vat.vat_amount)]
    refused = get(key_b, f"/api/v1/invoices/{number_a}/pdf")
    assert refused.status_code == 404 and refused["Content-Type"] == PROBLEM


def test_a_key_over_its_rate_is_told_when_to_come_back(two_clients, monkeypatch):
    monkeypatch.setattr(restapi_api, "RATE_LIMIT", 2)
    key_a = key_of(two_clients.a)
    statuses = [get(key_a, "/api/v1/invoices").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    refused = get(key_a, "/api/v1/invoices")
    assert refused["Content-Type"] == PROBLEM
    assert 1 <= int(refused["Retry-After"]) <= restapi_api.RATE_WINDOW
    # Another key has its own window.
    assert get(key_of(two_clients.a), "/api/v1/invoices").status_code == 200
    assert json.loads(refused.content)["status"] == 429


def test_the_apis_root_sends_to_the_reference(two_clients):
    response = HttpClient(HTTP_HOST="localhost").get("/api/v1/")
    assert response.status_code == 302 and response["Location"] == "/api/v1/docs"


def test_the_first_endpoints_refuse_with_problems_too(two_clients):
    """Problem details that keep the members they answered with before (error, fields)."""
    http = HttpClient(HTTP_HOST="localhost")
    unauthorised = http.post("/api/v1/messages", "{}", content_type="application/json")
    assert unauthorised.status_code == 401 and unauthorised["Content-Type"] == PROBLEM
    assert unauthorised.json()["type"].endswith("#problem-unauthorized")
    assert unauthorised.json()["error"].startswith("Missing, unknown or revoked")

    key = key_of(two_clients.a, "conversations:write")
    message = {"text": "Dobrý den", "customer": {"email": "jana@example.cz"}}
    sent = [
        http.post(
            "/api/v1/messages",
            json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {key}",
            HTTP_IDEMPOTENCY_KEY="k-1",
        )
        for body in (message, message, {**message, "text": "Jiný text"})
    ]
    assert [answer.status_code for answer in sent] == [201, 201, 422]
    assert sent[1].json()["id"] == sent[0].json()["id"]
    reused = sent[2].json()
    assert sent[2]["Content-Type"] == PROBLEM and reused["status"] == 422
    assert reused["errors"] == [{"field": "Idempotency-Key", "detail": "Already used."}]

    invalid = http.post(
        "/api/v1/messages",
        json.dumps({"text": "x", "customer": {"email": "not-an-address"}}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert invalid.status_code == 400 and invalid.json()["type"].endswith(
        "#problem-invalid-request"
    )
    assert invalid.json()["errors"] == [
        {"field": "customer.email", "detail": "Not an e-mail address."}
    ]
    assert invalid.json()["fields"] == {"customer.email": "Not an e-mail address."}

    no_scope = get(key, "/api/v1/conversations/1")
    assert no_scope.status_code == 403 and no_scope.json()["scope"] == "conversations:read"
    assert no_scope["Content-Type"] == PROBLEM


def test_an_invoices_status_and_what_is_open_follow_its_payments(two_clients):

    invoice = october_invoices_issue(two_clients)["a"]
    key_a = key_of(two_clients.a)

    def listed() -> dict:
        (row,) = get(key_a, "/api/v1/invoices").json()["data"]
        return {"status": row["status"], "open": Decimal(row["amount_open"])}

    # Due on 16 November 2026, long past: unpaid is overdue.
    assert listed() == {"status": "overdue", "open": invoice.amount_due}
    payment, _ = payment_record(
        client=two_clients.a,
        amount=Decimal("100.00"),
        currency=invoice.currency,
        received_on=date(2026, 11, 20),
    )
    payment_allocate(payment=payment, invoice=invoice, amount=Decimal("100.00"))
    assert listed() == {"status": "overdue", "open": invoice.amount_due - 100}
    # The rest, without a reference: matched by the amount still open of its one invoice.
    payment_record(
        client=two_clients.a,
        amount=invoice.amount_due - 100,
        currency=invoice.currency,
        received_on=date(2026, 11, 21),
    )
    assert listed() == {"status": "paid", "open": 0}
