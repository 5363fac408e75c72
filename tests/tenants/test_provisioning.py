import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django_tenants.utils import schema_exists

from tenants.models import Client, Domain
from tenants.services import client_provision, template_schema_ensure

pytestmark = pytest.mark.django_db

PRAGUE = {
    "countries": ["CZ"],
    "languages": ["cs", "en"],
    "time_zone": "Europe/Prague",
    "currency": "CZK",
}


def tables_in(schema: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s", [schema]
        )
        return {row[0] for row in cursor.fetchall()}


def test_provisioning_clones_the_template_into_a_live_client(two_clients):
    result = client_provision(slug="kocka-shop", name="Kočka Shop", **PRAGUE)

    client = result.client
    assert result.created
    assert client.schema_name == "client_kocka_shop"
    assert client.ready and client.status == Client.Status.ACTIVE
    assert client.get_primary_domain().domain == f"kocka-shop.{settings.CLIENT_DOMAIN_SUFFIX}"
    # Tenant tables in the client's schema, shared ones only in public.
    assert "customers_customer" in tables_in(client.schema_name)
    assert "customers_customer" not in tables_in("public")
    assert "tenants_client" not in tables_in(client.schema_name)
    assert tables_in(client.schema_name) == tables_in(settings.TENANT_BASE_SCHEMA)


def test_provisioning_records_the_migrations_as_applied(two_clients):
    client = client_provision(slug="migrated-shop", name="Migrated", **PRAGUE).client
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT count(*) FROM "{client.schema_name}".django_migrations '  # noqa: S608
            "WHERE app = 'customers'"
        )
        assert cursor.fetchone()[0] >= 1


def test_provisioning_again_changes_nothing(two_clients):
    first = client_provision(slug="twice-shop", name="Twice", **PRAGUE)
    second = client_provision(slug="twice-shop", name="Another name", **PRAGUE)

    assert not second.created
    assert second.client.pk == first.client.pk
    assert Client.objects.get(pk=first.client.pk).name == "Twice"
    assert Domain.objects.filter(tenant=first.client).count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"slug": "Bad Slug!"}, "slug"),
        ({"languages": ["cs", "xx"]}, "languages"),
        ({"countries": ["CZE"]}, "countries"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"currency": "ZZZ"}, "currency"),
        ({"default_language": "de"}, "default_language"),
    ],
)
def test_bad_input_is_refused_with_a_clear_error_and_leaves_nothing(two_clients, changes, field):
    arguments = {"slug": "refused-shop", "name": "Refused", **PRAGUE, **changes}
    with pytest.raises(ValidationError) as raised:
        client_provision(**arguments)

    assert field in raised.value.message_dict
    assert not Client.objects.filter(name="Refused").exists()
    assert not schema_exists("client_refused_shop")


def test_a_domain_of_another_client_is_refused(two_clients):
    taken = two_clients.a.get_primary_domain().domain
    with pytest.raises(ValidationError, match="already serves"):
        client_provision(slug="thief-shop", name="Thief", domain=taken, **PRAGUE)
    assert not Client.objects.filter(slug="thief-shop").exists()


def test_a_missing_template_is_rebuilt_before_cloning(two_clients):
    template = settings.TENANT_BASE_SCHEMA
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA "{template}" CASCADE')
    assert not schema_exists(template)

    assert template_schema_ensure() is True
    assert "customers_customer" in tables_in(template)
    assert template_schema_ensure() is False


def test_create_client_command(two_clients, capsys):
    call_command(
        "create_client",
        "--slug",
        "cmd-shop",
        "--name",
        "Cmd Shop",
        "--countries",
        "sk",
        "--languages",
        "sk,cs",
        "--time-zone",
        "Europe/Bratislava",
        "--currency",
        "eur",
    )
    out = capsys.readouterr().out
    assert "cmd-shop created (schema client_cmd_shop" in out
    client = Client.objects.get(slug="cmd-shop")
    assert (client.countries, client.languages, client.default_language, client.currency) == (
        ["SK"],
        ["sk", "cs"],
        "sk",
        "EUR",
    )


def test_create_client_command_reports_bad_input(two_clients):
    with pytest.raises(CommandError, match="time_zone"):
        call_command(
            "create_client",
            "--slug",
            "bad-tz",
            "--name",
            "Bad",
            "--countries",
            "CZ",
            "--languages",
            "cs",
            "--time-zone",
            "Nowhere/Land",
        )


def test_create_client_command_sets_the_billing_identity_and_a_rerun_keeps_it(two_clients):
    shop = [
        "--slug",
        "ident-shop",
        "--name",
        "Ident Shop",
        "--countries",
        "PL",
        "--languages",
        "pl",
    ]
    call_command(
        "create_client",
        *shop,
        "--legal-name",
        "Ident Shop sp. z o.o.",
        "--billing-address",
        "ul. Floriańska 15",
        "--billing-address",
        "31-019 Kraków",
        "--billing-country",
        "PL",
        "--vat-id",
        "PL 679 301 45 88",
    )
    call_command("create_client", *shop, "--billing-email", "faktury@ident.example")

    client = Client.objects.get(slug="ident-shop")
    assert (client.legal_name, client.billing_address, client.billing_country) == (
        "Ident Shop sp. z o.o.",
        "ul. Floriańska 15\n31-019 Kraków",
        "PL",
    )
    assert (client.vat_id, client.billing_email) == ("PL6793014588", "faktury@ident.example")


@pytest.mark.parametrize(
    ("flag", "value", "message"),
    [
        ("--vat-id", "CZ25123890", "check digit"),
        ("--billing-country", "XX", "billing_country"),
        ("--billing-email", "not-an-address", "billing_email"),
    ],
)
def test_create_client_command_refuses_a_bad_identity_before_creating_anything(
    two_clients, flag, value, message
):
    with pytest.raises(CommandError, match=message):
        call_command(
            "create_client",
            "--slug",
            "typo-shop",
            "--name",
            "Typo",
            "--countries",
            "CZ",
            "--languages",
            "cs",
            flag,
            value,
        )
    assert not Client.objects.filter(slug="typo-shop").exists()


def test_client_listing_leaves_out_the_agency(two_clients):
    slugs = set(Client.objects.clients().values_list("slug", flat=True))
    assert {"client-a", "client-b"} <= slugs
    assert "agency" not in slugs


@pytest.mark.parametrize("slug", ["template", "agency", "www", "admin"])
def test_reserved_slugs_are_refused(two_clients, slug):
    with pytest.raises(ValidationError, match="reserved"):
        client_provision(slug=slug, name="Sneaky", **PRAGUE)


def test_a_re_run_with_another_clients_domain_is_refused(two_clients):
    taken = two_clients.b.get_primary_domain().domain
    with pytest.raises(ValidationError, match="other domains"):
        client_provision(slug="client-a", name="Client A Obuv", domain=taken, **PRAGUE)
    assert two_clients.b.get_primary_domain().domain == taken


@pytest.mark.parametrize("domain", ["www.shop.example", "shop example", "x"])
def test_unusable_domains_are_refused(two_clients, domain):
    with pytest.raises(ValidationError, match="host name"):
        client_provision(slug="dom-shop", name="Dom", domain=domain, **PRAGUE)


def test_domains_are_normalised(two_clients):
    client = client_provision(slug="caps-shop", name="Caps", domain="Caps.Example.", **PRAGUE)
    assert client.client.get_primary_domain().domain == "caps.example"


def test_provisioning_refuses_to_run_inside_a_clients_schema(two_clients):
    from django_tenants.utils import schema_context

    with schema_context(two_clients.a.schema_name), pytest.raises(RuntimeError):
        client_provision(slug="nested-shop", name="Nested", **PRAGUE)
