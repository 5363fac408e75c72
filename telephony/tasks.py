"""Telephony's slow work, off the webhooks' path."""

from celery import shared_task
from django.conf import settings
from django.db import OperationalError

from outbox.models import Delivery
from outbox.services import delivery_send
from routing.services import route_waiting
from telephony.messaging import mms_media_fetch
from telephony.services import offers_dial_pending
from telephony.twilio_api import TwilioApiError
from telephony.voice.services.legs import call_price_fetch, return_call_price_fetch
from telephony.voice.services.reconcile import calls_reconcile
from telephony.voice.services.recordings import recording_deletions_send
from tenants.current import schema_name_current
from tenants.models import Client


class PriceNotReady(Exception):
    """Twilio has not priced the call yet (it takes a while after the call)."""


# Twilio prices a call a while after it ends (404 or a null price until then).
PRICE_RETRY = {
    "autoretry_for": (PriceNotReady, TwilioApiError, OperationalError),
    "retry_backoff": 30,
    "retry_backoff_max": 3600,
    "retry_jitter": True,
    "max_retries": 10,
    "ignore_result": True,
}


@shared_task(**PRICE_RETRY)
def call_price_fetch_task(call_id: int) -> None:
    """Fetch a finished call's price (in the call's client schema); retried until known."""
    if not call_price_fetch(call_id=call_id):
        raise PriceNotReady(call_id)


# Named as before the rename: price tasks already queued still find it.
@shared_task(name="telephony.tasks.call_back_price_fetch_task", **PRICE_RETRY)
def return_call_price_fetch_task(outbound_id: int) -> None:
    """Fetch the price of a return call's customer leg (in its client schema); retried until
    known."""
    if not return_call_price_fetch(outbound_id=outbound_id):
        raise PriceNotReady(outbound_id)


@shared_task(ignore_result=True)
def calls_reconcile_task() -> int:
    """Beat, every 5 minutes: ask every client's schema to finish the calls and return calls
    whose end never reached us; returns how many clients were asked."""
    if not settings.TWILIO_ACCOUNT_SID:  # no Twilio account (the demo): nothing to ask
        return 0
    count = 0
    # Every client with a schema, not only serving ones: a call talked before a client
    # was suspended is still billed, and its late status webhook would find the webhook closed.
    for client in Client.objects.clients().filter(ready=True).only("schema_name"):
        calls_reconcile_client_task.apply_async(headers={"_schema_name": client.schema_name})
        count += 1
    return count


@shared_task(
    autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3, ignore_result=True
)
def calls_reconcile_client_task() -> dict:
    """Reconcile the calls of the schema the task came from (calls_reconcile). Twilio's
    errors are not retried here: what is left, the next run asks again."""
    client = Client.objects.get(schema_name=schema_name_current())
    return vars(calls_reconcile(client=client))


@shared_task(ignore_result=True)
def recording_deletions_sweep_task() -> int:
    """Beat, every 10 minutes: every client's schema sends its recording deletions still due
    (Twilio or the broker was down when they were asked for); returns how many were asked."""
    if not settings.TWILIO_ACCOUNT_SID:  # no Twilio account (the demo): they wait for one
        return 0
    count = 0
    for client in Client.objects.clients().filter(ready=True).only("schema_name"):
        recording_deletions_send_task.apply_async(headers={"_schema_name": client.schema_name})
        count += 1
    return count


@shared_task(
    autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3, ignore_result=True
)
def recording_deletions_send_task() -> int:
    """Send the due recording deletions of the schema the task came from (the sweep sends
    again what is left)."""
    return recording_deletions_send()


@shared_task(autoretry_for=(OperationalError,), max_retries=3, ignore_result=True)
def call_route_task() -> int:
    """A call was queued: hand waiting work to available agents and ring their devices."""
    route_waiting()
    return offers_dial_pending()


@shared_task(autoretry_for=(OperationalError,), max_retries=3, ignore_result=True)
def offers_dial_task() -> int:
    """Ring the agents of new call offers (beat)."""
    return offers_dial_pending()


@shared_task(ignore_result=True)
def sms_send_task(message_id: int) -> str:
    """Send an outbound SMS of the schema the task came from, through the outbox (kept for
    tasks queued before the outbox: new SMS go out by outbox.tasks.delivery_send_task)."""

    client = Client.objects.get(schema_name=schema_name_current())
    delivery = Delivery.objects.filter(client=client, message_id=message_id).first()
    return delivery_send(delivery_id=delivery.pk) if delivery else ""


# Twilio unreachable, or a download over its time budget: asked again after 15 s, 30 s, ...
# (about 30 minutes in all); then the medium is named missing in the MMS's note.
MEDIA_RETRIES = 7


@shared_task(
    bind=True,
    max_retries=MEDIA_RETRIES,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    ignore_result=True,
)
def mms_media_fetch_task(self, message_id: int, message_sid: str) -> None:
    """Fetch and attach the media of an inbound MMS of the schema the task came from;
    retried while Twilio cannot be reached, idempotent (see mms_media_fetch)."""

    give_up = self.request.retries >= MEDIA_RETRIES
    if mms_media_fetch(message_id=message_id, message_sid=message_sid, give_up=give_up):
        raise self.retry(countdown=min(15 * 2**self.request.retries, 900))
