"""Fixtures for the voice tests: client A's numbers and menus, signed webhook requests."""

from dataclasses import dataclass
from datetime import UTC, datetime
from xml.etree import ElementTree as ET  # our own TwiML: trusted

import pytest
from django.test import Client as HttpClient
from twilio.request_validator import RequestValidator

from hours.models import BusinessHours
from telephony.models import AgentDevice, PhoneNumber
from telephony.voice.models import Menu, NumberMenu, Option
from tests.support.factories import UserFactory
from tests.support.fake_twilio import FakeTwilio
from tests.support.tenancy import in_schema

TOKEN = "test-auth-token"
CZ_NUMBER = "+420228880000"  # serves Czech and Slovak: starts with the language menu
SK_NUMBER = "+421233440000"  # starts with the main menu, in Slovak
CALLER = "+420601234567"
MESSAGING_URL = "http://localhost/twilio/messaging"

# Tuesday 1 December 2026, 10:00 in Prague: open. Saturday the 5th: closed.
OPEN = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
SATURDAY = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)
CHRISTMAS_EVE = datetime(2026, 12, 24, 9, 0, tzinfo=UTC)  # a Czech public holiday


def signed_post(
    path: str,
    params: dict,
    *,
    token: str = TOKEN,
    host: str = "localhost",
    url: str | None = None,
    **extra,
):
    """POST as Twilio does: the signature over the full URL and the form parameters."""
    signature = RequestValidator(token).compute_signature(url or f"http://{host}{path}", params)
    return HttpClient(HTTP_HOST=host).post(path, params, HTTP_X_TWILIO_SIGNATURE=signature, **extra)


def sms(body: str, sid: str, *, sender="+48601234567", to="+48221234567", signed_with=TOKEN):
    """An SMS as Twilio posts it to the messaging webhook, signed."""
    params = {"MessageSid": sid, "From": sender, "To": to, "Body": body}
    signature = RequestValidator(signed_with).compute_signature(MESSAGING_URL, params)
    return HttpClient(HTTP_HOST="localhost").post(
        "/twilio/messaging", params, HTTP_X_TWILIO_SIGNATURE=signature
    )


def says(response) -> list[tuple[str, str, str]]:
    """[(text, language, voice)] of every <Say>, nested ones included."""
    root = ET.fromstring(response.content)  # noqa: S314
    return [(e.text, e.get("language"), e.get("voice")) for e in root.iter("Say")]


def verbs(response) -> list[str]:
    return [e.tag for e in ET.fromstring(response.content)]  # noqa: S314


def first(response, tag: str) -> ET.Element:
    found = ET.fromstring(response.content).find(f".//{tag}")  # noqa: S314
    assert found is not None, response.content
    return found


@dataclass
class Voice:
    client: object
    other: object
    menus: dict

    def call(self, sid: str, *, to: str = CZ_NUMBER, caller: str = CALLER):
        return signed_post("/twilio/voice/incoming", {"CallSid": sid, "From": caller, "To": to})

    def follow(self, response, sid: str, tag: str = "Gather", attribute: str = "action", **params):
        """Post to the URL the last answer named (a Gather's action, the Enqueue's waitUrl)."""
        path = first(response, tag).get(attribute)
        return signed_post(path, {"CallSid": sid, **params})

    def press(self, response, sid: str, digits: str = ""):
        params = {"Digits": digits} if digits else {}
        return self.follow(response, sid, **params)


@pytest.fixture
def frozen(monkeypatch):
    """Freeze django.utils.timezone.now at a given instant (business hours are real)."""

    def freeze(at: datetime) -> None:
        monkeypatch.setattr("django.utils.timezone.now", lambda: at)

    return freeze


@pytest.fixture
def voice(db, two_clients, settings, frozen) -> Voice:
    settings.TWILIO_AUTH_TOKEN = TOKEN
    frozen(OPEN)
    a = two_clients.a
    PhoneNumber.objects.create(number=CZ_NUMBER, client=a, country="CZ", default_language="cs")
    PhoneNumber.objects.create(number=SK_NUMBER, client=a, country="SK", default_language="sk")
    BusinessHours.objects.create(client=a)  # Monday-Friday 08:00-16:00
    with in_schema(a):
        main = Menu.objects.create(
            key="main",
            max_retries=2,
            prompt_cs="Objednávky jednička, vrácení dvojka.",
            prompt_sk="Objednávky jednotka.",
            prompt_en="Orders press 1, returns press 2.",
        )
        returns = Menu.objects.create(key="returns", prompt_cs="Vrácení zboží jednička.")
        language = Menu.objects.create(key="language", language_choice=True, prompt_cs="Vítejte.")
        Option.objects.create(menu=language, key="1", action="language", language="cs", target=main)
        Option.objects.create(menu=language, key="2", action="language", language="sk", target=main)
        for key, action, extra in [
            ("1", "queue", {"topic": "orders"}),
            ("2", "submenu", {"target": returns}),
            ("3", "info", {"message_cs": "Otevřeno máme ve všední dny od osmi do čtyř."}),
            ("4", "voicemail", {}),
            ("5", "callback", {}),
            ("6", "transfer", {"transfer_to": "+420222111333"}),
            ("9", "repeat", {}),
            ("fallback", "queue", {"topic": "other"}),
        ]:
            Option.objects.create(menu=main, key=key, action=action, **extra)
        Option.objects.create(menu=returns, key="1", action="queue", topic="returns")
        Option.objects.create(menu=returns, key="*", action="back")
        NumberMenu.objects.create(number=CZ_NUMBER, menu=language)
    return Voice(a, two_clients.b, {"main": main, "returns": returns, "language": language})


@pytest.fixture
def twilio(settings):
    """A local fake of Twilio's REST API, where the project's one Twilio client points."""
    settings.TWILIO_ACCOUNT_SID = "AC123"
    with FakeTwilio() as fake:
        settings.TWILIO_API_BASE_URL = fake.url
        yield fake


@pytest.fixture
def agent(voice):
    """A Slovak-speaking agent whose desk rings in the browser (a Twilio Client device):
    the agent of calls back. Modules whose agent must take calls define their own."""
    user = UserFactory(language="sk")
    AgentDevice.objects.create(agent=user, address="client:jana")
    return user
