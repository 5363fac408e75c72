"""Writes on order events: receive one from the shop (a connector's webhook, the API, the
demo), and send the customer its message once.

The life of an event: checked at the edge (a ValidationError names the field), then in the
client's schema, in one transaction under the event's advisory lock: a second delivery of
the same (source, event_id) finds the first and changes nothing. A new event is stored with
what was decided: sent (a resolved, proactive conversation of its own in the customer's
history, its message written through the outbox, kind automatic), queued (an SMS in the
client's quiet hours: due in the outbox when they end), no contact, disabled, or held (the
client's template needs a value the event lacks).
"""

from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop
from django_tenants.utils import schema_context

from audit.models import AuditEvent
from audit.services import audit_record
from conversations.email_out import outbound_email_queue
from conversations.models import Conversation, Message
from conversations.services import customer_for_contact, inbound_lock
from customers.models import Customer
from customers.selectors import customer_current, identity_of
from languages.catalog import CATALOG
from order_updates.models import OrderEvent, OrderUpdateSettings
from order_updates.quiet import QuietHours, quiet_until
from order_updates.rendering import Held, order_update_text
from outbox.models import Delivery
from outbox.services import delivery_queue
from telephony.models import PhoneNumber
from tenants.models import Client

State = OrderEvent.State
# The kind's word in an SMS update's conversation subject ("Shipped: 1001"), translated into
# the message's language (the desk's history shows it; an e-mail's subject is its own).
SUBJECT_WORDS: dict[str, str] = {
    OrderEvent.Kind.SHIPPED: gettext_noop("Shipped"),
    OrderEvent.Kind.DELAYED: gettext_noop("Delayed"),
    OrderEvent.Kind.OUT_FOR_DELIVERY: gettext_noop("Out for delivery"),
    OrderEvent.Kind.DELIVERED: gettext_noop("Delivered"),
    OrderEvent.Kind.RETURN_RECEIVED: gettext_noop("Return received"),
    OrderEvent.Kind.REFUND_SENT: gettext_noop("Refund sent"),
}
_LIMITS = {
    "event_id": 200,
    "order_number": 100,
    "email": 254,
    "phone": 40,
    "name": 200,
    "tracking_number": 100,
    "tracking_url": 500,
    "carrier": 100,
}


@dataclass(frozen=True)
class OrderEventReceipt:
    event_id: int  # our row's id
    created: bool  # False: a duplicate of an event received before; nothing sent again
    state: str


@dataclass(frozen=True)
class _Event:
    """The checked input."""

    source: str
    event_id: str
    kind: str
    order_number: str
    email: str
    phone: str
    name: str
    language: str
    tracking_number: str
    tracking_url: str
    carrier: str
    occurred_at: datetime | None


def _clean(value: str) -> str:
    """One line, without NUL characters (PostgreSQL refuses them in text)."""
    return " ".join(str(value).replace("\x00", "").split())


def _phone_normalised(phone: str, client: Client) -> str:
    """E.164 (+420601234567), read in the client's first country when it has no "+"."""
    region = client.countries[0] if client.countries else None
    try:
        number = phonenumbers.parse(phone, region)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_possible_number(number):
        raise ValidationError({"phone": "A phone number, e.g. +48 601 234 567."})
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def order_event_checked(*, client: Client, **raw: Any) -> _Event:
    """The event's fields cleaned and checked; a ValidationError names each bad one."""
    values = {name: _clean(raw.get(name) or "") for name in _LIMITS}
    errors: dict[str, str] = {}
    for name, limit in _LIMITS.items():
        if len(values[name]) > limit:
            errors[name] = f"At most {limit} characters."
    source, kind = _clean(raw["source"]), _clean(raw["kind"])
    language = _clean(raw.get("language") or "").lower()
    if source not in OrderEvent.Source.values:
        errors["source"] = "One of: " + ", ".join(OrderEvent.Source.values) + "."
    if kind not in OrderEvent.Kind.values:
        errors["kind"] = "One of: " + ", ".join(OrderEvent.Kind.values) + "."
    for required in ("event_id", "order_number"):
        if not values[required]:
            errors.setdefault(required, "This field is required.")
    if values["email"] and "email" not in errors:
        try:
            validate_email(values["email"])
        except ValidationError:
            errors["email"] = "An e-mail address."
    if values["phone"] and "phone" not in errors:
        try:
            values["phone"] = _phone_normalised(values["phone"], client)
        except ValidationError as error:
            errors["phone"] = error.message_dict["phone"][0]
    if values["tracking_url"] and "tracking_url" not in errors:
        try:
            URLValidator(schemes=["https", "http"])(values["tracking_url"])
        except ValidationError:
            errors["tracking_url"] = "An http:// or https:// address."
    # A region ("pt-BR") is read as its language; one outside the catalog is decided here.
    language = language.split("-")[0].split("_")[0]
    if language and language not in CATALOG:
        language = ""
    occurred_at = raw.get("occurred_at")
    if occurred_at is not None and (
        not isinstance(occurred_at, datetime) or timezone.is_naive(occurred_at)
    ):
        errors["occurred_at"] = "A date and time with its time zone."
    if errors:
        raise ValidationError(errors)
    return _Event(
        source=source,
        kind=kind,
        language=language,
        occurred_at=occurred_at,
        **values,
    )


def order_event_receive(
    *,
    client: Client,
    source: str,
    event_id: str,
    kind: str,
    order_number: str,
    email: str = "",
    phone: str = "",
    name: str = "",
    language: str = "",
    tracking_number: str = "",
    tracking_url: str = "",
    carrier: str = "",
    occurred_at: datetime | None = None,
) -> OrderEventReceipt:
    """Receive one order event of ``client``'s shop and tell the customer, once per
    (source, event_id): a duplicate returns the first one's receipt (created False). Runs
    in any schema (enters the client's). Raises ValidationError naming the field for bad
    input; never for nobody to tell (state no_contact)."""
    event = order_event_checked(
        client=client,
        source=source,
        event_id=event_id,
        kind=kind,
        order_number=order_number,
        email=email,
        phone=phone,
        name=name,
        language=language,
        tracking_number=tracking_number,
        tracking_url=tracking_url,
        carrier=carrier,
        occurred_at=occurred_at,
    )
    with schema_context(client.schema_name):
        try:
            return _receive(client, event)
        except IntegrityError:
            # Only when the lock was bypassed (another writer without it): the row is there.
            found = OrderEvent.objects.filter(source=event.source, event_id=event.event_id).first()
            if found is None:
                raise
            return OrderEventReceipt(found.pk, created=False, state=found.state)


def order_update_settings_get() -> OrderUpdateSettings:
    """The client's settings (current schema); the defaults, unsaved, while it has none (the
    content admin adds the row: no race of two first events over creating it)."""
    return OrderUpdateSettings.objects.first() or OrderUpdateSettings()


@transaction.atomic
def _receive(client: Client, event: _Event) -> OrderEventReceipt:
    inbound_lock(f"order-event:{event.source}:{event.event_id}")
    earlier = OrderEvent.objects.filter(source=event.source, event_id=event.event_id).first()
    if earlier is not None:
        return OrderEventReceipt(earlier.pk, created=False, state=earlier.state)
    now = timezone.now()
    row = OrderEvent(
        source=event.source,
        event_id=event.event_id,
        kind=event.kind,
        order_number=event.order_number,
        tracking_number=event.tracking_number,
        tracking_url=event.tracking_url,
        carrier=event.carrier,
        occurred_at=event.occurred_at or now,
        received_at=now,
    )
    chosen = order_update_settings_get()
    if event.kind not in chosen.kinds:
        row.state = State.DISABLED
    elif not (event.email or event.phone):
        row.state, row.reason = State.NO_CONTACT, "The event named no e-mail address or phone."
    else:
        row.customer, taken = _customer(event)
        _message(client, row, chosen, event, now)
        if taken:
            said = f"The event's {' and '.join(taken)} is another customer's: not copied."
            row.reason = f"{row.reason} {said}".strip()[:500]
    row.save()
    return OrderEventReceipt(row.pk, created=True, state=row.state)


def _taken(customer: Customer, field: str, value: str) -> bool:
    """Whether another live customer has this e-mail or phone (as theirs or as a merged
    customer's identity): merging two is a person's decision (the desk's), as the REST API
    refuses it too (restapi.services.IdentityTaken)."""
    held = Customer.objects.filter(identity_of(**{field: value}), erased_at__isnull=True)
    return any(customer_current(customer=found).pk != customer.pk for found in held[:10])


def _customer(event: _Event) -> tuple[Customer, list[str]]:
    """The customer by e-mail, else phone (made once); what the shop knows fills what we
    did not, except an e-mail or phone another customer has (their names are returned)."""
    customer = customer_for_contact(
        email=event.email, phone=event.phone, name=event.name, country=""
    )
    changed: list[str] = []
    taken: list[str] = []
    for field in ("name", "email", "phone", "language"):
        value = getattr(event, field)
        if value and not getattr(customer, field):
            if field in ("email", "phone") and _taken(customer, field, value):
                taken.append("e-mail" if field == "email" else field)
                continue
            setattr(customer, field, value)
            changed.append(field)
    if changed:
        customer.save(update_fields=changed)
    return customer, taken


def _subject(kind: str, order_number: str, language: str) -> str:
    """An SMS update's conversation subject in the message's language: "Versandt: 1001"."""
    with translation.override(language):
        return f"{gettext(SUBJECT_WORDS[kind])}: {order_number}"


def _channel(client: Client, customer: Customer, chosen: OrderUpdateSettings) -> str:
    """E-mail or SMS as the client chose, for this customer; "" for neither."""
    sms_allowed = chosen.channel != OrderUpdateSettings.Channel.EMAIL
    sms = bool(
        sms_allowed
        and customer.phone
        and PhoneNumber.objects.filter(client=client, sms=True).exists()
    )
    if sms and (chosen.channel == OrderUpdateSettings.Channel.SMS_FIRST or not customer.email):
        return "sms"
    return "email" if customer.email else ""


def _message(
    client: Client, row: OrderEvent, chosen: OrderUpdateSettings, event: _Event, now: datetime
) -> None:
    """Decide and write the customer's message (fills the row's state)."""
    customer = row.customer
    assert customer is not None  # found or made by the caller
    channel = _channel(client, customer, chosen)
    if not channel:
        row.state = State.NO_CONTACT
        row.reason = (
            "The customer has no e-mail address, and SMS is not allowed or the client has "
            "no SMS number."
        )
        return
    # The shop's word for this order first, then what we know of the customer.
    known = customer.language if customer.language in CATALOG else client.default_language
    language = event.language or known
    values = {
        "order_number": row.order_number,
        "tracking_link": row.tracking_url,
        "tracking_number": row.tracking_number,
        "carrier": row.carrier,
        "customer_name": customer.name,
        "shop_name": client.name,
    }
    text = order_update_text(kind=row.kind, channel=channel, language=language, values=values)
    row.channel, row.language = channel, language
    if isinstance(text, Held):
        row.state, row.reason = State.HELD, text.reason
        return
    conversation = Conversation.objects.create(
        customer=customer,
        channel=channel,
        subject=text.subject or _subject(row.kind, row.order_number, language),
        language=language,
        status=Conversation.Status.RESOLVED,
        created_at=now,
        resolved_at=now,
        proactive=True,
    )
    row.conversation, row.state = conversation, State.SENT
    if channel == "email":
        row.message = outbound_email_queue(
            client=client,
            conversation=conversation,
            body=text.body,
            subject=text.subject,
            automatic=True,
        )
        return
    row.message = Message.objects.create(
        conversation=conversation,
        direction=Message.Direction.OUTBOUND,
        channel="sms",
        body_text=text.body,
        created_at=now,
    )
    quiet = QuietHours(chosen.quiet_from, chosen.quiet_until, chosen.quiet_sunday)
    not_before = quiet_until(now, zone=client.tz, quiet=quiet)
    delivery_queue(
        client=client,
        message=row.message,
        kind=Delivery.Kind.AUTOMATIC,
        now=now,
        not_before=not_before,
    )
    if not_before is not None:
        row.state = State.QUEUED


def sms_quiet_hold(*, client: Client, delivery: Delivery, now: datetime) -> datetime | None:
    """The outbox's hold (``outbox.registry.HOLDS``, in the client's schema): an order
    update's SMS about to leave in the client's quiet hours (a retry after a failed attempt
    can come due then) waits until they end."""
    if delivery.channel != "sms" or not delivery.conversation_id:
        return None
    if not Conversation.objects.filter(pk=delivery.conversation_id, proactive=True).exists():
        return None
    chosen = order_update_settings_get()
    quiet = QuietHours(chosen.quiet_from, chosen.quiet_until, chosen.quiet_sunday)
    return quiet_until(now, zone=client.tz, quiet=quiet)


@transaction.atomic
def order_update_settings_update(
    *,
    kinds: list[str],
    channel: str,
    quiet_from: time,
    quiet_until: time,
    quiet_sunday: bool,
    request: HttpRequest | None = None,
) -> OrderUpdateSettings:
    """Change the client's order update settings (current schema), recorded in its audit
    log; raises ValidationError naming a field for an unknown kind or channel."""
    if unknown := [kind for kind in kinds if kind not in OrderEvent.Kind.values]:
        raise ValidationError({"kinds": f"Unknown kinds: {', '.join(unknown)}."})
    if channel not in OrderUpdateSettings.Channel.values:
        raise ValidationError({"channel": "Unknown channel."})
    chosen, _ = OrderUpdateSettings.objects.select_for_update().get_or_create(singleton=True)
    chosen.kinds = [kind for kind in OrderEvent.Kind.values if kind in kinds]
    chosen.channel, chosen.quiet_sunday = channel, quiet_sunday
    chosen.quiet_from, chosen.quiet_until = quiet_from, quiet_until
    chosen.save()
    audit_record(
        action=AuditEvent.Action.CLIENT_SETTINGS_CHANGED,
        request=request,
        object_type="order_update_settings",
        object_id=chosen.pk,
        label="Order update settings",
        details={"kinds": chosen.kinds, "channel": channel, "quiet_sunday": quiet_sunday},
    )
    return chosen
