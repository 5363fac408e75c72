"""VIES: answers stored as evidence, reused while fresh, an invalid id refused, an
unavailable service replaced by the offline check (a local fake of the REST API)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command

from billing.models import Invoice, VatCheck
from billing.services import invoices_issue_for_month, price_plan_create
from billing.services.vies import (
    VatIdRefusedByVies,
    vat_evidence_for_issue,
    vat_id_check_in_vies,
)
from tests.support.fake_vies import FakeVies

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
ISSUER = {
    "name": "Agentura s.r.o.",
    "address": "Praha",
    "registration_id": "1",
    "vat_id": "CZ25123891",
    "iban": "",
    "bic": "",
    "country": "CZ",
}


@pytest.fixture
def vies(settings):
    with FakeVies() as fake:
        settings.VIES_URL = fake.url
        settings.VIES_TIMEOUT = 2
        settings.VIES_MAX_AGE_DAYS = 30
        settings.INVOICE_ISSUER = ISSUER
        fake.registered["DE136695976"] = ("Beispiel GmbH", "Musterstr. 1\n10115 Berlin")
        yield fake


@pytest.fixture
def german(make_client):
    client = make_client(countries=("DE",), languages=("de",))
    client.vat_id, client.billing_country, client.vat_registered = "DE136695976", "DE", True
    client.save()
    return client


def test_a_valid_answer_is_kept_with_its_consultation_number_and_raw_response(vies, german):
    check = vat_id_check_in_vies(client=german, now=NOW)
    check.refresh_from_db()
    assert check.valid is True and check.source == "vies"
    assert check.name == "Beispiel GmbH" and "Berlin" in check.address
    assert check.request_identifier.startswith("WAPI")
    assert check.requester_vat_id == "CZ25123891"
    assert '"requestIdentifier"' in check.response
    assert vies.requests == [
        {
            "countryCode": "DE",
            "vatNumber": "136695976",
            "requesterMemberStateCode": "CZ",
            "requesterNumber": "25123891",
        }
    ]


def test_a_fresh_valid_answer_is_reused_and_an_old_one_asked_again(vies, german):
    first = vat_evidence_for_issue(client=german, now=NOW)
    again = vat_evidence_for_issue(client=german, now=NOW + timedelta(days=29))
    assert again == first and len(vies.requests) == 1
    later = vat_evidence_for_issue(client=german, now=NOW + timedelta(days=31))
    assert later != first and later.valid and len(vies.requests) == 2


def test_a_changed_vat_id_is_asked_about_itself(vies, german):
    vat_evidence_for_issue(client=german, now=NOW)
    vies.registered["DE129273398"] = ("Andere GmbH", "Köln")
    german.vat_id = "DE129273398"
    german.save()
    check = vat_evidence_for_issue(client=german, now=NOW + timedelta(hours=1))
    assert check.vat_id == "DE129273398" and check.name == "Andere GmbH"


def test_an_id_vies_calls_invalid_refuses_the_reverse_charge_and_keeps_the_answer(vies, german):
    del vies.registered["DE136695976"]
    with pytest.raises(VatIdRefusedByVies, match="DE136695976 is not valid"):
        vat_evidence_for_issue(client=german, now=NOW)
    [check] = VatCheck.objects.filter(client=german)
    assert check.valid is False and check.error == ""


def test_vies_unavailable_falls_back_to_the_offline_check_and_says_so(vies, german):
    vies.unavailable.add("DE")
    check = vat_evidence_for_issue(client=german, now=NOW)
    assert check.source == "offline" and check.valid is True
    assert "MS_UNAVAILABLE" in check.error
    asked = VatCheck.objects.get(client=german, source="vies")
    assert asked.valid is None and asked.error == "MS_UNAVAILABLE"


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        ((500, b"<html>Bad gateway</html>"), "HTTP 500 without JSON"),
        (
            (400, b'{"actionSucceed":false,"errorWrappers":[{"error":"INVALID_INPUT"}]}'),
            "INVALID_INPUT",
        ),
        ((200, b'{"countryCode":"DE"}'), "without 'valid'"),
        ((200, b"[1, 2]"), "without JSON"),
        ((200, b"{" + b" " * 30_000 + b"}"), "more than 20000 bytes"),
    ],
)
def test_broken_answers_are_kept_as_no_answer_with_the_reason(vies, german, raw, error):
    vies.raw = raw
    check = vat_id_check_in_vies(client=german, now=NOW)
    assert check.valid is None and error in check.error
    assert check.response == raw[1].decode()[:20_000]


def test_a_slow_vies_times_out_into_the_offline_check(vies, german, settings):
    settings.VIES_TIMEOUT = 0.2
    vies.delay = 1.0
    check = vat_evidence_for_issue(client=german, now=NOW)
    assert check.source == "offline"
    assert "Timeout" in VatCheck.objects.get(source="vies").error


def test_nothing_is_asked_without_vies_url_or_for_a_non_eu_id(vies, german, make_client, settings):
    swiss = make_client(countries=("CH",), languages=("de",))
    swiss.vat_id = "CHE116281710MWST"
    swiss.save()
    assert vat_evidence_for_issue(client=swiss, now=NOW) is None
    settings.VIES_URL = ""
    assert vat_evidence_for_issue(client=german, now=NOW) is None
    assert vies.requests == []


def test_the_command_checks_every_eu_vat_id_or_one_client(vies, german, make_client, capsys):
    other = make_client(countries=("AT",), languages=("de",))
    other.vat_id = "ATU13585627"
    other.save()
    call_command("check_vat_ids")
    out = capsys.readouterr().out
    assert "DE136695976: valid" in out and "ATU13585627: not valid" in out
    call_command("check_vat_ids", "--client", german.slug)
    assert VatCheck.objects.filter(client=german).count() == 2
    assert VatCheck.objects.filter(client=other).count() == 1


def test_the_issuing_run_fails_the_client_and_keeps_the_refusal_as_evidence(vies, german):
    # The refusal is raised inside the invoice's transaction (a savepoint here), which rolls
    # back: the answer is stored again after it, so the evidence of why no invoice was
    # issued stays.
    price_plan_create(client=german, valid_from=datetime(2026, 10, 1).date(), base_monthly_fee=100)
    del vies.registered["DE136695976"]

    run = invoices_issue_for_month(month=datetime(2026, 11, 1).date(), clients=[german], now=NOW)

    [(client, reason)] = run.failed
    assert client == german and "VIES says the VAT id DE136695976 is not valid" in reason
    assert not Invoice.objects.filter(client=german).exists()
    [check] = VatCheck.objects.filter(client=german)
    assert check.valid is False and check.source == "vies" and check.response
