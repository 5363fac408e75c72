"""What ``POST /api/v1/customers`` accepts, checked at the edge: every refusal names its
field (an e-mail that is no address, a phone not in E.164, an unknown language or country, a
field this endpoint does not know). An omitted, null or empty field leaves the stored value
as it is: a shop's sync never blanks what it did not send."""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from languages.catalog import CATALOG
from telephony.models import validate_e164
from tenants.models import ISO_COUNTRIES

# The customer's columns (customers.models.Customer), as long as they may be.
LIMITS = {
    "email": 254,
    "phone": 20,
    "name": 200,
    "language": 8,
    "country": 2,
    "shop_reference": 100,
}
MAX_BODY_BYTES = 16 * 1024


@dataclass(frozen=True)
class ShopCustomer:
    """A customer as the shop's records give them ("" for what was not sent)."""

    email: str
    phone: str
    name: str
    language: str
    country: str
    shop_reference: str


def _text(payload: dict[str, Any], field: str, problems: dict[str, str]) -> str:
    value = payload.get(field)
    if value is None:
        return ""
    if not isinstance(value, str):
        problems[field] = "A string."
        return ""
    if "\x00" in value:
        problems[field] = "Contains a NUL character (U+0000), which is not allowed."
        return ""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        problems[field] = f"Contains a lone surrogate at character {error.start}."
        return ""
    value = value.strip()
    if len(value) > LIMITS[field]:
        problems[field] = f"At most {LIMITS[field]} characters (this has {len(value)})."
        return ""
    return value


def shop_customer_read(payload: dict[str, Any]) -> tuple[ShopCustomer, dict[str, str]]:
    """The customer sent, and the problems found ({field: what is wrong}; empty: none)."""
    problems = {
        field: "Not a field of a customer; known: " + ", ".join(LIMITS) + "."
        for field in payload
        if field not in LIMITS
    }
    values = {field: _text(payload, field, problems) for field in LIMITS}
    if values["email"]:
        try:
            validate_email(values["email"])
        except ValidationError:
            problems["email"] = "Not an e-mail address."
    if values["phone"]:
        try:
            validate_e164(values["phone"])
        except ValidationError:
            problems["phone"] = "Not a phone number in E.164 form, e.g. +420601234567."
    if values["language"] and values["language"] not in CATALOG:
        problems["language"] = "Unknown language; one of: " + ", ".join(CATALOG) + "."
    values["country"] = values["country"].upper()
    if values["country"] and values["country"] not in ISO_COUNTRIES:
        problems["country"] = "Not an ISO 3166-1 country code, e.g. CZ."
    if not (values["email"] or values["phone"] or {"email", "phone"} & problems.keys()):
        problems["email"] = problems["phone"] = "An e-mail or a phone is required."
    return ShopCustomer(**values), problems
