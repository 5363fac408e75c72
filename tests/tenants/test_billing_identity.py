"""A client's billing identity: edited by the agency in the admin, checked (VAT id, country)
wherever it is set."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client as HttpClient

from accounts.models import User
from tenants.models import ISO_COUNTRIES, Client, vat_id_normalised
from tenants.services import client_billing_identity_set
from tests.support.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("CZ 251 23 891", "CZ25123891"),  # spaces, as people write it
        ("cz25123891", "CZ25123891"),
        ("DE 136.695.976", "DE136695976"),
        ("EL094259216", "EL094259216"),  # Greece's prefix is EL, not GR
        ("ATU13585627", "ATU13585627"),
        ("CHE-116.281.710 MWST", "CHE116281710MWST"),  # outside the EU: its own rules
        ("GB 980 7806 84", "GB980780684"),
        ("NO 974 760 673 MVA", "NO974760673MVA"),
        ("RS123456789", "RS123456789"),  # no rules known: prefix and length only
    ],
)
def test_a_vat_id_is_kept_in_its_compact_form(given, stored):
    assert vat_id_normalised(given) == stored


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("CZ25123890", "is not a valid CZ VAT ID: its check digit does not match (a typo?)"),
        ("CZ2512389", "is not a valid CZ VAT ID: it has too few or too many characters"),
        ("DE12345678X", "is not a valid DE VAT ID"),
        ("25123891", "is not a VAT ID: write its country prefix"),  # no prefix
        ("QQ25123891", "is not a VAT ID: write its country prefix"),  # no such country
        ("US1", "is not a VAT ID: write its country prefix"),  # too short for anything
        ("GR094259216", "Greek VAT IDs begin with EL, not GR"),
    ],
)
def test_a_bad_vat_id_is_refused_with_what_is_wrong(given, message):
    with pytest.raises(ValidationError) as refused:
        vat_id_normalised(given)
    assert message in refused.value.messages[0]


def test_the_iso_country_list_is_iso_3166_1():
    assert len(ISO_COUNTRIES) == 249
    assert {"CZ", "SK", "DE", "GB", "CH", "NO", "GR"} <= ISO_COUNTRIES
    assert not {"EU", "UN", "ZZ", "XK", "EL"} & ISO_COUNTRIES


def fresh(client: Client) -> Client:
    # The session's client objects are shared by every test: change a copy, never them.
    return Client.objects.get(pk=client.pk)


def test_the_service_stores_a_checked_identity(two_clients):
    client = client_billing_identity_set(
        client=fresh(two_clients.a),
        legal_name=" Client A Obuv s.r.o. ",
        billing_address="Dlouhá 1\n110 00 Praha 1\n",
        billing_country="sk",
        registration_id="25123891",
        vat_id="CZ 251 23 891",
        billing_email="ucetni@a.example",
    )

    stored = fresh(client)
    assert (stored.legal_name, stored.billing_address) == (
        "Client A Obuv s.r.o.",
        "Dlouhá 1\n110 00 Praha 1",
    )
    assert (stored.billing_country, stored.vat_id) == ("SK", "CZ25123891")
    assert (stored.registration_id, stored.billing_email) == ("25123891", "ucetni@a.example")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("vat_id", "CZ25123890", "its check digit does not match"),
        ("billing_country", "QQ", "neither one of the client's countries nor an ISO 3166-1"),
        ("billing_email", "accounts at a.example", "Enter a valid email address."),
    ],
)
def test_the_service_refuses_a_bad_field_and_names_it(two_clients, field, value, message):
    before = getattr(fresh(two_clients.a), field)
    with pytest.raises(ValidationError) as refused:
        client_billing_identity_set(client=fresh(two_clients.a), **{field: value})

    assert message in " ".join(refused.value.message_dict[field])
    assert getattr(fresh(two_clients.a), field) == before


def test_the_billing_country_may_be_one_the_client_serves_outside_iso(two_clients):
    client = fresh(two_clients.a)
    client.countries = [*client.countries, "XK"]  # Kosovo: a user-assigned code
    client.save(update_fields=["countries"])

    assert client_billing_identity_set(client=client, billing_country="XK").billing_country == "XK"


def admin_form(client: Client, **changes) -> dict:
    """Everything the agency's change page posts for the client, with `changes`."""
    domains = list(client.domains.order_by("pk"))
    data = {
        "name": client.name,
        "slug": client.slug,
        "countries": ",".join(client.countries),
        "languages": ",".join(client.languages),
        "default_language": client.default_language,
        "time_zone": client.time_zone,
        "currency": client.currency,
        "status": client.status,
        "legal_name": client.legal_name,
        "billing_address": client.billing_address,
        "billing_country": client.billing_country,
        "registration_id": client.registration_id,
        "vat_id": client.vat_id,
        "billing_email": client.billing_email,
        "payment_terms_days": client.payment_terms_days,
        **({"vat_registered": "on"} if client.vat_registered else {}),
        "domains-TOTAL_FORMS": len(domains),
        "domains-INITIAL_FORMS": len(domains),
        "domains-MIN_NUM_FORMS": 0,
        "domains-MAX_NUM_FORMS": 1000,
    }
    for number, domain in enumerate(domains):
        data |= {
            f"domains-{number}-id": domain.pk,
            f"domains-{number}-tenant": client.pk,
            f"domains-{number}-domain": domain.domain,
        }
        if domain.is_primary:
            data[f"domains-{number}-is_primary"] = "on"
    return data | changes


@pytest.fixture
def agency_admin() -> HttpClient:
    http = HttpClient(HTTP_HOST="localhost")
    http.force_login(UserFactory(role=User.Role.ADMIN, is_staff=True, is_superuser=True))
    return http


def test_the_agency_edits_the_billing_identity_in_the_admin(two_clients, agency_admin):
    client = fresh(two_clients.a)
    url = f"/admin/tenants/client/{client.pk}/change/"

    page = agency_admin.get(url)
    saved = agency_admin.post(
        url,
        admin_form(
            client,
            legal_name="Client A Obuv s.r.o.",
            billing_address="Dlouhá 1\r\n110 00 Praha 1",
            billing_country="CZ",
            registration_id="25123891",
            vat_id="CZ 251 23 891",
            billing_email="ucetni@a.example",
        ),
    )

    assert page.status_code == 200 and "Billing identity" in page.text
    # The client's own countries come first in the list of billing countries.
    assert page.text.index('<option value="SK">') < page.text.index('<option value="AT">')
    assert saved.status_code == 302, saved.text
    stored = fresh(client)
    assert stored.legal_name == "Client A Obuv s.r.o." and stored.vat_id == "CZ25123891"
    assert stored.billing_address == "Dlouhá 1\r\n110 00 Praha 1" and stored.billing_country == "CZ"


def test_the_admin_refuses_a_bad_vat_id_with_a_clear_message(two_clients, agency_admin):
    client = fresh(two_clients.a)

    refused = agency_admin.post(
        f"/admin/tenants/client/{client.pk}/change/", admin_form(client, vat_id="CZ25123890")
    )

    assert refused.status_code == 200
    assert "is not a valid CZ VAT ID: its check digit does not match (a typo?)." in refused.text
    assert fresh(client).vat_id == ""


def test_client_users_cannot_edit_a_clients_identity(two_clients):
    http = HttpClient(HTTP_HOST="localhost")
    http.force_login(UserFactory(role=User.Role.CLIENT, client=two_clients.a))

    response = http.post(
        f"/admin/tenants/client/{two_clients.a.pk}/change/",
        admin_form(fresh(two_clients.a), legal_name="Not mine"),
    )

    assert response.status_code == 403  # client users are kept to their own portal
    assert fresh(two_clients.a).legal_name == ""


@pytest.mark.parametrize("days", [0, 121])
def test_payment_terms_are_between_a_day_and_four_months(two_clients, days):
    with pytest.raises(ValidationError) as refused:
        client_billing_identity_set(client=fresh(two_clients.a), payment_terms_days=days)

    assert "Between 1 and 120 days" in " ".join(refused.value.message_dict["payment_terms_days"])


def test_the_service_sets_vat_registration_and_payment_terms(two_clients):
    client_billing_identity_set(
        client=fresh(two_clients.a),
        billing_country="CZ",
        vat_registered=False,
        payment_terms_days=30,
    )

    stored = fresh(two_clients.a)
    assert (stored.vat_registered, stored.payment_terms_days) == (False, 30)
    # Not given: kept as they are.
    client_billing_identity_set(client=stored, billing_country="CZ")
    assert (fresh(two_clients.a).vat_registered, fresh(two_clients.a).payment_terms_days) == (
        False,
        30,
    )
