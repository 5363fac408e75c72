"""Walk a call through a client's menus with the real webhooks, and print what happens.

    manage.py ivr_simulate --to +420228880000 --from +420601234567 --digits 2,1

Each request is signed the way Twilio signs it and served in process (django.test.Client),
so the answer is what a caller would get. By default nothing is kept (the whole walk is
rolled back); --keep leaves the call, queue item and conversations in place.
"""

import uuid
import xml.etree.ElementTree as ET
from urllib.parse import urljoin

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test import Client as HttpClient
from django.test.utils import override_settings
from django_tenants.utils import schema_context
from twilio.request_validator import RequestValidator

from telephony.models import PhoneNumber
from telephony.voice.models import Call

SIMULATION_TOKEN = "ivr-simulator"  # noqa: S105 - signs in-process requests only


class Walk:
    """One simulated call: posts signed webhooks and prints each answer."""

    def __init__(
        self, *, to: str, caller: str, digits: list[str], write, hang_up: bool = False
    ) -> None:
        self.to, self.caller, self.digits, self.write = to, caller, digits, write
        self.hang_up = hang_up
        self.call_sid = "CAsim" + uuid.uuid4().hex
        self.host = settings.AGENCY_DOMAIN
        self.http = HttpClient(HTTP_HOST=self.host)
        self.token = settings.TWILIO_AUTH_TOKEN
        self.outcome = "in the menu"
        self.number = PhoneNumber.objects.select_related("client").filter(number=to).first()

    def post(self, path: str, **params: str) -> ET.Element | None:
        data = {
            "CallSid": self.call_sid,
            "From": self.caller,
            "To": self.to,
            "CallStatus": "in-progress",
            **params,
        }
        signature = RequestValidator(self.token).compute_signature(
            f"http://{self.host}{path}", data
        )
        response = self.http.post(path, data, HTTP_X_TWILIO_SIGNATURE=signature)
        if response.status_code not in (200, 204):
            raise CommandError(f"{path}: HTTP {response.status_code} {response.content[:200]!r}")
        if not response.content or response.status_code == 204:
            return None
        return ET.fromstring(response.content)  # noqa: S314 - our own TwiML

    def run(self) -> str:
        self.write(f"→ call {self.caller} → {self.to} ({self.call_sid})")
        path = "/twilio/voice/incoming"
        twiml = self.post(path)
        while twiml is not None:
            path, twiml = self.follow(path, twiml)
        if self.hang_up and self.number is not None:
            self.write("→ the caller hangs up (status webhook: completed)")
            self.post("/twilio/voice/status", CallStatus="completed")
        self.summary()
        return self.outcome

    def follow(self, path: str, twiml: ET.Element) -> tuple[str, ET.Element | None]:
        """Print one answer; return the next request's path and answer (None: the end)."""
        for verb in twiml:
            if verb.tag == "Say":
                self.say(verb)
            elif verb.tag == "Gather":
                for inner in verb:
                    self.say(inner)
                self.keys()
                action = urljoin(path, verb.get("action", path))
                if not self.digits:
                    self.write("  (no more keys: the caller stays silent)")
                    self.outcome = "in the menu (waiting for a key)"
                    return action, None
                key = self.digits.pop(0)
                self.write(f"→ key {key}")
                return action, self.post(action, Digits=key)
            elif verb.tag == "Redirect":
                target = urljoin(path, verb.text or path)
                return target, self.post(target)
            elif verb.tag == "Enqueue":
                self.write(f"  queued as {verb.text}; hold message:")
                wait = urljoin(path, verb.get("waitUrl", ""))
                hold = self.post(wait, QueueTime="0", QueuePosition="1")
                for inner in hold if hold is not None else []:
                    self.say(inner)
                self.outcome = "queued for an agent"
                return path, None
            elif verb.tag == "Record":
                self.write(f"  records a voice message (up to {verb.get('maxLength')} s)")
                self.outcome = "voicemail"
                return path, None
            elif verb.tag == "Dial":
                self.write(f"  transfers to {''.join(verb.itertext()).strip()}")
                self.outcome = "transferred"
                return path, None
            elif verb.tag == "Hangup":
                self.write("  hangs up")
                return path, None
            else:
                self.write(f"  <{verb.tag}> {verb.attrib}")
        return path, None

    def say(self, verb: ET.Element) -> None:
        if verb.tag == "Say":
            voice = ", ".join(filter(None, [verb.get("language"), verb.get("voice")]))
            self.write(f"  says [{voice or 'default voice'}]: {verb.text}")

    def keys(self) -> None:
        if self.number is None:
            return
        with schema_context(self.number.client.schema_name):
            call = Call.objects.select_related("menu").filter(call_sid=self.call_sid).first()
            if call is None or call.menu is None:
                return
            options = [
                f"{o.key}={o.action}"
                + (f"({o.language})" if o.language else "")
                + (f"({o.topic})" if o.topic else "")
                + (f"→{o.target.key}" if o.target else "")
                for o in call.menu.options.select_related("target")
            ]
        self.write(f"  menu '{call.menu.key}' in {call.language}, keys: {'  '.join(options)}")

    def _call(self) -> Call | None:
        if self.number is None:
            return None
        with schema_context(self.number.client.schema_name):
            return Call.objects.select_related("menu").filter(call_sid=self.call_sid).first()

    def summary(self) -> None:
        call = self._call()
        if call is None:
            self.write("outcome: not a client's number (answered politely, logged)")
            self.outcome = "unknown number"
            return
        self.write(
            f"outcome: {self.outcome}; call record: {call.outcome}, language {call.language}"
            + (f", topic {call.topic}" if call.topic else "")
            + f", keys {','.join(call.path) or '-'}"
        )


class Command(BaseCommand):
    help = "Walk a call through a client's IVR with signed in-process webhooks."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--to", required=True, help="the client's number, E.164")
        parser.add_argument("--from", dest="caller", default="+420601000000")
        parser.add_argument("--digits", default="", help="keys pressed in turn, e.g. 2,1")
        parser.add_argument("--keep", action="store_true", help="keep what the call created")
        parser.add_argument(
            "--hangup", action="store_true", help="end with the caller hanging up (final outcome)"
        )

    def handle(
        self, *args, to: str, caller: str, digits: str, keep: bool, hangup: bool, **options
    ) -> None:
        keys = [key.strip() for key in digits.split(",") if key.strip()]
        bad = [key for key in keys if len(key) != 1 or key not in "0123456789*#"]
        if bad:
            raise CommandError(f"Keys are single characters 0-9, * or #: {bad}")
        token = settings.TWILIO_AUTH_TOKEN or SIMULATION_TOKEN
        with override_settings(TWILIO_AUTH_TOKEN=token), transaction.atomic():
            Walk(to=to, caller=caller, digits=keys, write=self.stdout.write, hang_up=hangup).run()
            if not keep:
                transaction.set_rollback(True)
