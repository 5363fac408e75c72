"""A menu's TwiML (its <Gather> and <Redirect>), kept with the menus each process holds
(menu_cache), so that a key landing on a menu renders nothing.

What a menu says depends on the menu and its options (kept under the menus' version: an
edit gives new menus, with nothing kept), the caller's language, the client (its URL), the
voices and the languages' fallbacks (both read through caches of 60 s), and the call's step
(in the <Gather>'s action and the <Redirect>). Kept per client and language, with the step
left out; each use checks that the fallbacks and every voice the TwiML was rendered with
are still the ones a new rendering would get, else renders again. Nothing of a caller is in
it: what is said before the menu (an invalid key, an option's message) is rendered per
request, as before, and the answer is the same text, byte for byte
(tests/telephony/test_voice_menu_twiml.py).
"""

from dataclasses import dataclass

from twilio.twiml.voice_response import VoiceResponse

from languages.selectors import Voice, fallbacks_map
from telephony.voice.models import Call, Menu, Option
from telephony.voice.twiml import (
    content_lookup,
    language_name,
    say,
    say_phrase,
    voice_of,
    voices_recorded,
    webhook_url,
)
from tenants.models import Client

# Stands for the step's number in a kept TwiML: the action URL is cut there.
_STEP = "STEP"
_EMPTY, _CLOSE = "<Response />", "</Response>"
# What twilio writes before a response's first verb.
_OPEN = str(VoiceResponse()).removesuffix(_EMPTY) + "<Response>"
# Where a menu's TwiML is kept on each of the menus menu_cache holds (a dict set there).
KEPT_ATTRIBUTE = "twiml_kept"


def menu_say(
    client: Client, menu: Menu, language: str, step: int | str, response: VoiceResponse
) -> None:
    """Say ``menu`` inside a <Gather>; no key at all comes back without Digits."""
    action = webhook_url(client.pk, "gather", step=step)
    # finishOnKey off: "#" is a key a menu may use, not the end of the input.
    gather = response.gather(
        action=action, method="POST", num_digits=1, finish_on_key="", timeout=menu.timeout_seconds
    )
    say(gather, content_lookup(menu, "prompt"), language)
    if menu.language_choice:  # each choice in its own language and voice
        for option in menu.options.all():
            if option.action != Option.Action.LANGUAGE:
                continue
            say_phrase(
                gather,
                "language_option",
                option.language,
                key=option.key,
                language=language_name(option.language),
            )
    response.redirect(action, method="POST")


@dataclass(frozen=True)
class _Kept:
    parts: tuple[str, ...]  # the menu's verbs, cut where the action URL goes
    action: str  # the action URL but the step's number
    voices: dict[str, Voice | None]
    fallbacks: dict[str, list[str]]

    def current(self) -> bool:
        """True while a new rendering would say the same: the same fallbacks and voices."""
        return fallbacks_map() == self.fallbacks and all(
            voice_of(language) == voice for language, voice in self.voices.items()
        )

    def verbs(self, step: int) -> str:
        return f"{self.action}{step}".join(self.parts)


def _kept_render(client: Client, menu: Menu, language: str) -> _Kept | None:
    """The menu rendered once for any step; None when its text cannot be cut at the step
    without doubt (a prompt that holds the action URL itself)."""
    fallbacks = fallbacks_map()
    response = VoiceResponse()
    with voices_recorded() as voices:
        menu_say(client, menu, language, _STEP, response)
    rendered = str(response)
    if not (rendered.startswith(_OPEN) and rendered.endswith(_CLOSE)):
        return None
    action = webhook_url(client.pk, "gather", step=_STEP)
    parts = tuple(rendered[len(_OPEN) : -len(_CLOSE)].split(action))
    if len(parts) != 3:  # the <Gather>'s action and the <Redirect>'s URL, nowhere else
        return None
    return _Kept(parts, action.removesuffix(_STEP), voices, fallbacks)


def _spliced(response: VoiceResponse, verbs: str) -> str:
    """``response`` as twilio writes it, with ``verbs`` appended."""
    if not response.verbs:  # most keys: nothing said before the menu, nothing to write
        return f"{_OPEN}{verbs}{_CLOSE}"
    head = str(response)
    if head.endswith(_EMPTY):
        return f"{head.removesuffix(_EMPTY)}<Response>{verbs}{_CLOSE}"
    return f"{head.removesuffix(_CLOSE)}{verbs}{_CLOSE}"


def menu_answer(client: Client, call: Call, response: VoiceResponse) -> str:
    """The answer: what ``response`` holds, then the call's menu. The menu's TwiML is kept
    when the menu is one of the menus held under their version (menu_cache), else (a menu
    read by the ORM: a locked step) rendered into ``response`` as always."""
    menu = call.menu
    assert menu is not None  # said only while the call is in one
    kept_of_menu: dict[tuple[int, str], _Kept] | None = getattr(menu, KEPT_ATTRIBUTE, None)
    if kept_of_menu is not None:
        key = (client.pk, call.language)
        kept = kept_of_menu.get(key)
        if kept is None or not kept.current():
            kept = _kept_render(client, menu, call.language)
        if kept is not None:
            kept_of_menu[key] = kept
            return _spliced(response, kept.verbs(call.step))
    menu_say(client, menu, call.language, call.step, response)
    return str(response)
