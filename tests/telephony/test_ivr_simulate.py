"""manage.py ivr_simulate walks the real webhooks and prints what the caller hears."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from routing.models import WorkItem
from telephony.voice.models import Call
from tests.support.tenancy import in_schema
from tests.support.voice import CZ_NUMBER, SATURDAY

pytestmark = pytest.mark.django_db


def simulate(*args: str) -> str:
    out = StringIO()
    call_command("ivr_simulate", *args, stdout=out)
    return out.getvalue()


def test_a_walk_to_the_slovak_returns_queue(voice):
    printed = simulate("--to", CZ_NUMBER, "--from", "+421905123456", "--digits", "2,2,1")
    assert "says [sk-SK, Google.sk-SK-Standard-A]: Pre slovenčinu stlačte 2." in printed
    assert "menu 'language' in cs, keys: 1=language(cs)→main  2=language(sk)→main" in printed
    assert "→ key 2" in printed
    assert "queued as CAsim" in printed
    assert "says [sk-SK, Google.sk-SK-Standard-A]: Ste 1. v poradí." in printed
    assert printed.rstrip().endswith("language sk, topic returns, keys 2,2,1")
    with in_schema(voice.client):  # a dry run: nothing kept
        assert not Call.objects.exists()
    assert not WorkItem.objects.filter(channel="call").exists()


def test_keep_leaves_the_call_and_closed_hours_end_in_voicemail(voice, frozen):
    frozen(SATURDAY)
    printed = simulate("--to", CZ_NUMBER, "--digits", "1,1", "--keep")
    assert "Nyní máme zavřeno. Znovu otevíráme pondělí 7. prosince v 8:00." in printed
    assert "outcome: voicemail" in printed
    with in_schema(voice.client):
        assert Call.objects.get().outcome == "voicemail"


def test_a_caller_hanging_up_in_the_queue_is_abandoned(voice):
    printed = simulate("--to", CZ_NUMBER, "--digits", "1,1", "--hangup")
    assert "→ the caller hangs up" in printed
    assert "call record: abandoned, language cs, topic orders" in printed


def test_silence_and_an_unknown_number(voice):
    assert "the caller stays silent" in simulate("--to", CZ_NUMBER)
    assert "not a client's number" in simulate("--to", "+48221234567")


def test_keys_are_checked(voice):
    with pytest.raises(CommandError, match="single characters"):
        simulate("--to", CZ_NUMBER, "--digits", "12")
