"""A menu's TwiML kept with the menus held in the process (telephony.voice.services.
menu_twiml): the answer is byte for byte the one rendered without it, whatever came before
the menu, in every language and at every step; rendered once while nothing it depends on
changes; rendered again when a voice or the languages' fallbacks change."""

import pytest
from django.core.cache import cache
from twilio.twiml.voice_response import VoiceResponse

from languages.selectors import Voice, fallbacks_map
from telephony.voice.models import Call, Menu, Option
from telephony.voice.services import call_rows, menu_twiml
from telephony.voice.twiml import content_lookup, say, say_phrase, voice_of
from tests.support.tenancy import in_schema
from tests.support.voice import CZ_NUMBER

pytestmark = pytest.mark.django_db

LANGUAGES = ["cs", "sk", "en", "pl", "de", "hu"]


def _held_menus(voice) -> list[Menu]:
    """Every menu as menu_cache builds them (what a webhook's statement gives), through the
    number's first menu and the options' targets."""
    entry, _ = call_rows.entry_menu_and_earlier(CZ_NUMBER, "CAtwiml")
    found, todo = {}, [entry]
    while todo:
        menu = todo.pop()
        if menu is not None and menu.pk not in found:
            found[menu.pk] = menu
            todo.extend(option.target for option in menu.options.all())
    return list(found.values())


def _before(kind: str, language: str, option: Option):
    """What an answer may say before the menu: nothing, "invalid", an option's message."""

    def before(response: VoiceResponse) -> None:
        if kind == "invalid":
            say_phrase(response, "invalid", language)
        elif kind == "message":
            say(response, content_lookup(option, "message"), language)

    return before


@pytest.fixture
def menus(voice):
    with in_schema(voice.client):
        escaped = Menu.objects.create(
            key="escaped",
            prompt_cs="Ceny & \"slevy\" <dnes> – 100 %, 'ahoj'",
            prompt_en="Prices &amp; more",
        )
        Option.objects.create(
            menu=voice.menus["returns"],
            key="2",
            action="submenu",
            target=escaped,
            message_cs="Přepojuji <hned> & teď.",
        )
        yield voice, _held_menus(voice)


def test_the_answer_is_the_one_rendered_without_keeping(menus):
    voice, held = menus
    assert {menu.key for menu in held} == {"language", "main", "returns", "escaped"}
    message = Option.objects.get(menu__key="returns", key="2")
    for menu in held:
        fresh = Menu.objects.prefetch_related("options").get(pk=menu.pk)  # as a locked step
        assert not hasattr(fresh, menu_twiml.KEPT_ATTRIBUTE)
        for language in LANGUAGES:
            for step in (1, 2, 17, 1000):
                for kind in ("nothing", "invalid", "message"):
                    before = _before(kind, language, message)
                    answers = []
                    for used in (menu, menu, fresh):  # rendered, kept, never kept
                        response = VoiceResponse()
                        before(response)
                        call = Call(menu=used, language=language, step=step)
                        answers.append(menu_twiml.menu_answer(voice.client, call, response))
                    assert answers[0] == answers[1] == answers[2], (menu.key, language, step)
                    assert f"gather?step={step}<" in answers[0]


def test_a_kept_menu_is_rendered_once(menus, monkeypatch):
    voice, held = menus
    main = next(menu for menu in held if menu.key == "main")
    rendered = []
    say_menu = menu_twiml.menu_say
    monkeypatch.setattr(
        menu_twiml, "menu_say", lambda *args: rendered.append(args[2]) or say_menu(*args)
    )
    for step in range(1, 6):
        menu_twiml.menu_answer(
            voice.client, Call(menu=main, language="sk", step=step), VoiceResponse()
        )
    assert rendered == ["sk"]
    menu_twiml.menu_answer(voice.client, Call(menu=main, language="en", step=6), VoiceResponse())
    assert rendered == ["sk", "en"]


def test_a_voice_changed_is_heard_at_once(menus):
    voice, held = menus
    main = next(menu for menu in held if menu.key == "main")

    def answer() -> str:
        call = Call(menu=main, language="sk", step=3)
        return menu_twiml.menu_answer(voice.client, call, VoiceResponse())

    before = answer()
    assert voice_of("sk") is not None and voice_of("sk").tts_voice in before
    cache.set("telephony:voice:sk", Voice("sk", "sk-SK", "Polly.Other-Voice"), 60)
    assert 'voice="Polly.Other-Voice"' in answer()
    cache.delete("telephony:voice:sk")
    assert answer() == before


def test_the_fallbacks_changed_are_heard_at_once(menus):
    """English has no text of its own in the returns menu: its fallbacks say which is said."""
    voice, held = menus
    returns = next(menu for menu in held if menu.key == "returns")

    def answer() -> str:
        call = Call(menu=returns, language="en", step=3)
        return menu_twiml.menu_answer(voice.client, call, VoiceResponse())

    before = answer()
    fallbacks = fallbacks_map()
    cache.set("languages:fallbacks:v1", {**fallbacks, "en": ["pl"]}, 60)
    changed = answer()
    cache.set("languages:fallbacks:v1", fallbacks, 60)
    assert answer() == before
    uncached = Call(menu=Menu.objects.get(pk=returns.pk), language="en", step=3)
    cache.set("languages:fallbacks:v1", {**fallbacks, "en": ["pl"]}, 60)
    assert changed == menu_twiml.menu_answer(voice.client, uncached, VoiceResponse())
