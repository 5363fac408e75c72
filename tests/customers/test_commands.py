"""The operator's commands: customer_export and customer_erase."""

import json
import zipfile
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from audit.models import AuditEvent
from customers.models import Customer
from tests.support.factories import CustomerFactory
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(two_clients) -> Customer:
    with in_schema(two_clients.a):
        return CustomerFactory(name="Ondřej Malý", email="ondrej@posta.example")


def run(*args, answer: str | None = None, monkeypatch=None) -> str:
    if monkeypatch is not None:
        monkeypatch.setattr("builtins.input", lambda prompt: answer)
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def erased(client, customer) -> bool:
    with in_schema(client):
        return Customer.objects.get(pk=customer.pk).erased_at is not None


def test_customer_export_writes_the_zip(two_clients, customer, tmp_path):
    out = tmp_path / "sar.zip"
    said = run(
        "customer_export", "--client", "client-a", "--customer", str(customer.pk), "--out", str(out)
    )
    with zipfile.ZipFile(out) as archive:
        assert json.loads(archive.read("customer.json"))["customer"]["name"] == "Ondřej Malý"
    assert f"{out.stat().st_size} bytes" in said
    assert [p.name for p in tmp_path.iterdir()] == ["sar.zip"]  # no temporary file left
    event = AuditEvent.objects.get(action="exported", object_type="customer")
    assert (event.actor_id, event.details["via"]) == (None, "command")


@pytest.mark.parametrize(
    ("client", "customer_id", "message"),
    [("nobody", "1", "No client 'nobody'"), ("client-a", "999999", "has no customer 999999")],
)
def test_customer_export_names_what_it_cannot_find(
    two_clients, tmp_path, client, customer_id, message
):
    with pytest.raises(CommandError, match=message):
        run(
            "customer_export",
            "--client",
            client,
            "--customer",
            customer_id,
            "--out",
            str(tmp_path / "x.zip"),
        )


def test_customer_erase_asks_first_and_does_nothing_without_a_yes(
    two_clients, customer, monkeypatch
):
    with pytest.raises(CommandError, match="Not confirmed"):
        run(
            "customer_erase",
            "--client",
            "client-a",
            "--customer",
            str(customer.pk),
            answer="y",
            monkeypatch=monkeypatch,
        )
    assert not erased(two_clients.a, customer)
    said = run(
        "customer_erase",
        "--client",
        "client-a",
        "--customer",
        str(customer.pk),
        answer=str(customer.pk),
        monkeypatch=monkeypatch,
    )
    assert "erased" in said and erased(two_clients.a, customer)


def test_customer_erase_with_yes_erases_once_and_says_so_the_second_time(two_clients, customer):
    run("customer_erase", "--client", "client-a", "--customer", str(customer.pk), "--yes")
    assert erased(two_clients.a, customer)
    said = run("customer_erase", "--client", "client-a", "--customer", str(customer.pk), "--yes")
    assert "already erased" in said
    (event,) = AuditEvent.objects.filter(action="customer_erased", object_id=str(customer.pk))
    assert event.details == {"via": "command"}
