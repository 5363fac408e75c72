"""The client's shop connection (current client schema): saved with its audit record in one
transaction, tested with one real lookup; the shop's order webhooks received."""

import logging
from dataclasses import dataclass, replace

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_record
from order_updates.services import order_event_receive
from orders.connectors import OrderQuery, ShopError, shopify_order_contact
from orders.credentials import credentials_decrypt
from orders.forms import SECRET_NAMES, ShopConnectionForm
from orders.models import ShopConnection, ShopWebhookDelivery
from orders.selectors import orders_ask
from orders.shop_events import Ignored, Malformed, ShopEvent, shopify_event, woocommerce_event
from tenants.models import Client

logger = logging.getLogger(__name__)

# The address a connection test asks for: a real lookup that finds no customer's orders.
TEST_EMAIL = "connection-test@polydesk.invalid"


@dataclass(frozen=True)
class ConnectionTest:
    """What one lookup said: ``failure`` is "" (it worked), "credentials", "timeout",
    "unreachable" or "answer"; ``reason`` the technical detail; ``orders`` how many the shop
    found for the test address (none expected)."""

    failure: str
    reason: str = ""
    orders: int = 0


def _record(*, request: HttpRequest, connection: ShopConnection, **details: object) -> None:
    audit_record(
        action=AuditEvent.Action.CLIENT_SETTINGS_CHANGED,
        request=request,
        object_type="shop_connection",
        object_id=connection.pk,
        label=str(connection)[:200],
        details=details,
    )


def shop_connection_save(*, form: ShopConnectionForm, request: HttpRequest) -> ShopConnection:
    """Save a valid form's connection and audit who changed what (the names of the replaced
    credentials, never their values), in one transaction."""
    added = form.instance.pk is None
    with transaction.atomic():
        connection = form.save()
        _record(
            request=request,
            connection=connection,
            change="shop connection added" if added else "shop connection changed",
            fields=sorted(name for name in form.changed_data if name not in SECRET_NAMES),
            credentials_replaced=form.changed_secrets(),
        )
    return connection


def shop_connection_test(*, connection: ShopConnection, request: HttpRequest) -> ConnectionTest:
    """Ask the shop once (its timeout, no cache) for the orders of a test address and say
    what failed; audited."""
    try:
        found = orders_ask(connection=connection, query=OrderQuery(email=TEST_EMAIL))
    except ShopError as error:
        result = ConnectionTest(failure=error.kind, reason=str(error))
    except ValueError as error:  # stored with another key: to be entered again
        result = ConnectionTest(failure="credentials", reason=str(error))
    else:
        result = ConnectionTest(failure="", orders=len(found))
    _record(
        request=request,
        connection=connection,
        change="shop connection tested",
        result=result.failure or "ok",
        reason=result.reason,
    )
    return result


# --- The shop's order webhooks ---------------------------------------------------------------


@dataclass(frozen=True)
class WebhookAnswer:
    """What the receiver answers the shop: a 2xx unless the shop should send again."""

    status: int
    text: str


def _contact_filled(connection: ShopConnection, event: ShopEvent) -> ShopEvent:
    """An event that names only the order's id, with the order's number and customer asked
    of the shop (Shopify's refunds and returns)."""
    if event.order_number:
        return event
    contact = shopify_order_contact(
        shop_url=connection.shop_url,
        api_version=connection.api_version,
        credentials=credentials_decrypt(connection.credentials_encrypted),
        order_id=event.order_id,
        timeout=float(connection.timeout_seconds),
    )
    return replace(
        event,
        order_number=contact.number,
        email=event.email or contact.email,
        phone=event.phone or contact.phone,
        name=event.name or contact.name,
        language=event.language or contact.language.replace("_", "-").split("-")[0].lower(),
    )


def shop_webhook_receive(
    *,
    client: Client,
    connection: ShopConnection,
    delivery_id: str,
    topic: str,
    payload: object,
) -> WebhookAnswer:
    """One signed order webhook of the client's shop (current client schema): stored once
    per delivery id with what came of it, its order event passed to order_updates (once per
    change of the order). A duplicate delivery, a topic or status that tells the customer
    nothing and an event order_updates refuses are answered 200 and say so; a payload
    without what its topic documents 400; a shop that cannot say whose order it is 503 (the
    shop sends again)."""
    platform = connection.platform
    if ShopWebhookDelivery.objects.filter(platform=platform, delivery_id=delivery_id).exists():
        return WebhookAnswer(200, f"duplicate delivery {delivery_id}: already received")
    read = shopify_event if platform == ShopConnection.Platform.SHOPIFY else woocommerce_event
    event: ShopEvent | None = None
    outcome = ""
    try:
        event = read(topic=topic, payload=payload)
        event = _contact_filled(connection, event)
    except Ignored as reason:
        outcome = f"ignored: {reason}"
    except Malformed as reason:
        return WebhookAnswer(400, f"not an order event: {reason}")
    except (ShopError, ValueError) as error:
        logger.warning(
            "shop %s: order of webhook %s unknown: %s", connection.pk, delivery_id, error
        )
        return WebhookAnswer(503, f"the order could not be read from the shop now: {error}")
    try:
        with transaction.atomic():
            delivery = ShopWebhookDelivery.objects.create(
                platform=platform,
                delivery_id=delivery_id,
                topic=topic[:100],
                received_at=timezone.now(),
            )
            if event is not None:
                outcome = _event_passed(client=client, platform=platform, event=event)
            delivery.outcome = outcome[:300]
            delivery.save(update_fields=["outcome"])
    except IntegrityError as error:
        # The same delivery, received in parallel, has its row now; any other refusal
        # (an order event's constraint) is not a delivery received: the shop sends again.
        if ShopWebhookDelivery.objects.filter(platform=platform, delivery_id=delivery_id).exists():
            return WebhookAnswer(200, f"duplicate delivery {delivery_id}: already received")
        logger.warning("shop webhook %s %s not stored: %s", platform, delivery_id, error)
        return WebhookAnswer(503, "the delivery could not be stored now: send it again")
    logger.info("shop webhook %s %s %s: %s", platform, topic, delivery_id, outcome)
    return WebhookAnswer(200, outcome)


def _event_passed(*, client: Client, platform: str, event: ShopEvent) -> str:
    try:
        receipt = order_event_receive(
            client=client,
            source=platform,
            event_id=event.event_id,
            kind=event.kind,
            order_number=event.order_number,
            email=event.email,
            phone=event.phone,
            name=event.name,
            language=event.language,
            tracking_number=event.tracking_number,
            tracking_url=event.tracking_url,
            carrier=event.carrier,
            occurred_at=event.occurred_at,
        )
    except ValidationError as error:
        fields = (
            "; ".join(f"{field}: {' '.join(texts)}" for field, texts in error.message_dict.items())
            if hasattr(error, "error_dict")
            else " ".join(error.messages)
        )
        return f"not used: {fields}"
    seen = "new" if receipt.created else "already received"
    return f"{event.kind}: order event {receipt.event_id} ({seen}, {receipt.state})"
