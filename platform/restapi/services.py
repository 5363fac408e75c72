"""Writes of the REST API that are its own: a customer from the shop's records."""

from dataclasses import dataclass

from django.db import transaction

from conversations.services import inbound_lock
from customers.models import Customer
from customers.selectors import customer_current, identity_of
from restapi.customer_input import ShopCustomer


class IdentityTaken(Exception):
    """The e-mail or phone sent is another customer's: merging two is a person's decision
    (the desk's merge), not a sync's."""

    def __init__(self, field: str, customer_id: int) -> None:
        super().__init__(field)
        self.field = field
        self.customer_id = customer_id


@dataclass(frozen=True)
class Saved:
    customer: Customer
    created: bool


def _holder(*, email: str = "", phone: str = "") -> Customer | None:
    """The live customer known by this e-mail or phone (as theirs, or as the identity of a
    customer merged into them)."""
    if not (email or phone):
        return None
    found = (
        Customer.objects.filter(identity_of(email=email, phone=phone), erased_at__isnull=True)
        .order_by("pk")
        .first()
    )
    return found and customer_current(customer=found)


def _match(sent: ShopCustomer) -> Customer | None:
    """The customer the shop means: by its own reference, then by e-mail, then by phone."""
    if sent.shop_reference:
        found = (
            Customer.objects.filter(shop_reference=sent.shop_reference, erased_at__isnull=True)
            .order_by("merged_into_id", "pk")  # a live one before a tombstone
            .first()
        )
        if found is not None:
            return customer_current(customer=found)
    return _holder(email=sent.email) or _holder(phone=sent.phone)


def _same(field: str, sent: str, stored: str) -> bool:
    # An address in another case is the same address (as identity_of reads it).
    return sent.lower() == stored.lower() if field == "email" else sent == stored


@transaction.atomic
def customer_save_from_shop(*, sent: ShopCustomer) -> Saved:
    """Create the customer the shop's records describe, or update the one they match (its
    shop reference, else its e-mail, else its phone); fields not sent stay. An erased
    customer is never matched, so never brought back (a new one is made). Raises
    IdentityTaken when the e-mail or phone sent is another customer's. Call in the client's
    schema."""
    # The locks a first contact takes (conversations.services.customer_for_contact), and
    # the reference's: a message and a sync of one new customer make one customer.
    names = [f"customer-email:{sent.email.lower()}"] * bool(sent.email)
    names += [f"customer-phone:{sent.phone}"] * bool(sent.phone)
    names += [f"customer-shop:{sent.shop_reference}"] * bool(sent.shop_reference)
    inbound_lock(*sorted(names))
    found = _match(sent)
    if found is None:
        customer = Customer.objects.create(
            email=sent.email,
            phone=sent.phone,
            name=sent.name,
            language=sent.language,
            country=sent.country,
            shop_reference=sent.shop_reference,
        )
        return Saved(customer, created=True)
    customer = Customer.objects.select_for_update().get(pk=found.pk)
    for field, value in (("email", sent.email), ("phone", sent.phone)):
        holder = _holder(**{field: value})
        if holder is not None and holder.pk != customer.pk:
            raise IdentityTaken(field, holder.pk)
    changed = [
        field
        for field in ("email", "phone", "name", "language", "country", "shop_reference")
        if getattr(sent, field) and not _same(field, getattr(sent, field), getattr(customer, field))
    ]
    for field in changed:
        setattr(customer, field, getattr(sent, field))
    if changed:
        customer.save(update_fields=changed)
    return Saved(customer, created=False)
