"""Changing the client's shop connection (current client schema): saved with its audit
record in one transaction, and tested with one real lookup."""

from dataclasses import dataclass

from django.db import transaction
from django.http import HttpRequest

from audit.models import AuditEvent
from audit.services import audit_record
from orders.connectors import OrderQuery, ShopError
from orders.forms import SECRET_NAMES, ShopConnectionForm
from orders.models import ShopConnection
from orders.selectors import orders_ask

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
