"""The demo's telephony: numbers, menus (a language choice where it fits), a month of calls."""

from io import StringIO

import pytest
from django.core.management import call_command

from demo.content_texts import CANNED_REPLIES, FAQ_ARTICLES, MESSAGE_TEMPLATES
from demo.telephony import MENU_TEXTS
from telephony.models import AgentDevice, PhoneNumber
from telephony.voice.models import Call, NumberMenu, VoiceSettings
from tenants.models import Client
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.django_db


def test_demo_numbers_menus_and_calls_and_a_simulated_call(demo_seeded):
    # Seeded twice (idempotent): the numbers, menus and calls are not doubled.
    bohemia = Client.objects.get(slug="bohemia-shoes")
    assert set(PhoneNumber.objects.filter(client=bohemia).values_list("country", flat=True)) == {
        "CZ",
        "SK",
    }
    with in_schema(bohemia):
        assert NumberMenu.objects.get().menu.language_choice
        outcomes = set(Call.objects.values_list("outcome", flat=True))
        assert {"answered", "abandoned", "voicemail", "callback"} <= outcomes
        assert Call.objects.count() == 80
        assert Call.objects.filter(outcome="voicemail", conversation__isnull=False).exists()
        # The whole survey is on, and some answered callers gave both answers.
        assert VoiceSettings.objects.get().survey_nps
        assert Call.objects.filter(csat__isnull=False, nps__isnull=False).exists()
        assert not Call.objects.filter(csat__isnull=True, nps__isnull=False).exists()
    assert AgentDevice.objects.filter(address="client:jana").exists()
    czech = PhoneNumber.objects.get(client=bohemia, country="CZ").number
    out = StringIO()
    call_command("ivr_simulate", "--to", czech, "--digits", "2,2,2", stdout=out)
    printed = out.getvalue()
    assert "Pre slovenčinu stlačte 2." in printed
    assert "Peniaze vraciame do štrnástich dní" in printed  # the refund information


def test_no_demo_text_writes_a_hungarian_article_as_a_z():
    # "a(z)" reads as a form to fill in, and a voice says it letter by letter.
    texts = [text for menu in MENU_TEXTS.values() for text in menu]
    for table in (CANNED_REPLIES, FAQ_ARTICLES, MESSAGE_TEMPLATES):
        texts += [
            text for by_language in table.values() for pair in by_language.values() for text in pair
        ]
    assert len(texts) > 50
    assert not [text for text in texts if "a(z)" in text]


def test_the_slovenian_demo_client_has_numbers_in_both_countries_and_an_ivr_that_speaks(
    demo_seeded,
):
    alpska = Client.objects.get(slug="alpska-oprema")
    numbers = {n.country: n for n in PhoneNumber.objects.filter(client=alpska)}
    assert {c: (n.number[:4], n.default_language) for c, n in numbers.items()} == {
        "SI": ("+386", "sl"),
        "HR": ("+385", "hr"),
    }
    with in_schema(alpska):
        choice = NumberMenu.objects.get(number=numbers["SI"].number).menu
        assert choice.language_choice
        assert choice.prompt_sl.startswith("Pozdravljeni") and choice.prompt_en
        assert Call.objects.filter(language="sl").exists()
        assert Call.objects.filter(language="hr").exists()
    # Twilio has no Slovenian voice: the caller hears English, every choice named in it.
    out = StringIO()
    call_command("ivr_simulate", "--to", numbers["SI"].number, "--digits", "1", stdout=out)
    printed = out.getvalue()
    assert "Hello, welcome to Alpska oprema customer service." in printed
    assert "For Slovenian, press 1." in printed and "For Croatian, press 2." in printed
    assert "Orders and delivery, press 1." in printed
