"""Writes of the public side of telephony: ringing agents for the router's call offers."""

import logging
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from core.channels import Channel
from routing.models import WorkItem
from routing.selectors import policy_for
from telephony.models import AgentDevice, OfferDial, PhoneNumber
from telephony.twilio_api import TwilioApiError, call_create
from telephony.voice.twiml import webhook_url

logger = logging.getLogger(__name__)
# Ringing starts up to a beat (2 s) after the offer, and the agent's answer must still find
# the offer standing.
RING_MARGIN_SECONDS = 5


def offer_dial(*, item: WorkItem, now: datetime | None = None) -> OfferDial | None:
    """Ring the device of the agent a call was offered to, once per offer (the router may
    offer it again later, to someone else: that is another offer). The agent's answer
    fetches the TwiML that accepts the offer and bridges the caller."""
    now = now or timezone.now()
    if item.status != WorkItem.Status.OFFERED or item.channel != Channel.CALL or not item.agent_id:
        return None
    assert item.offered_at is not None  # offered: it has its offer's time
    try:
        with transaction.atomic():
            dial = OfferDial.objects.create(
                item=item, offered_at=item.offered_at, agent_id=item.agent_id, dialed_at=now
            )
    except IntegrityError:  # already rung (another beat run, a retry)
        return None
    device = AgentDevice.objects.filter(agent_id=item.agent_id, active=True).first()
    number = PhoneNumber.objects.filter(client_id=item.client_id, voice=True).first()
    if device is None or number is None:
        dial.error = "no device for the agent" if device is None else "client has no number"
        dial.save(update_fields=["error"])
        logger.warning("Call offer %s not rung: %s", item.pk, dial.error)
        return dial
    base = settings.TWILIO_WEBHOOK_BASE_URL.rstrip("/")
    url = base + webhook_url(
        item.client_id, "agent", call=item.source_id, item=item.pk, agent=item.agent_id
    )
    try:
        # The phone stops ringing before the offer expires: an answer always finds it.
        ring = max(
            5,
            int(policy_for(item.channel, item.client_id).offer_timeout.total_seconds())
            - RING_MARGIN_SECONDS,
        )
        dial.agent_call_sid = call_create(
            to=device.address, from_=number.number, url=url, timeout=ring
        )
    except TwilioApiError as error:
        dial.error = str(error)[:300]
        logger.warning("Call offer %s not rung: %s", item.pk, error)
    dial.save(update_fields=["agent_call_sid", "error"])
    return dial


def offers_dial_pending(*, now: datetime | None = None) -> int:
    """Ring the agents of call offers not rung yet (beat, every 2 s); returns how many."""
    rung_already = OfferDial.objects.filter(
        item_id=OuterRef("pk"), offered_at=OuterRef("offered_at")
    )
    pending = WorkItem.objects.filter(
        status=WorkItem.Status.OFFERED, channel=Channel.CALL, source_kind="call"
    ).filter(~Exists(rung_already))
    rung = 0
    for item in pending:
        if offer_dial(item=item, now=now):
            rung += 1
    return rung
