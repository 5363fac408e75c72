"""Speaking to callers: TwiML built with twilio's VoiceResponse, in the caller's language.

Every text is spoken by the voice of the language it is written in: a text found along a
fallback chain (sk asked, cs found) is spoken by the Czech voice; a language without a
voice is spoken in its voice fallback's text and voice (languages.selectors), and when
there is none, not at all (a recorded prompt would be needed).
"""

import contextlib
import logging
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from urllib.parse import urlencode

from babel import Locale
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from twilio.twiml.voice_response import VoiceResponse

from content.selectors import translation_for
from languages.catalog import CATALOG
from languages.selectors import Voice, language_fallback_chain, voice_for_language
from telephony.voice.phrases import phrase_format, phrase_in
from telephony.voice.spoken_dates import locale_of

logger = logging.getLogger(__name__)
type Lookup = Callable[[str], tuple[str, str] | None]
_VOICE_CACHE_SECONDS = 60
# The voices asked for while voices_recorded() is open (None: not recording).
_voices_asked: ContextVar[dict[str, Voice | None] | None] = ContextVar(
    "telephony_voices_asked", default=None
)


def voice_of(language: str) -> Voice | None:
    """voice_for_language, cached briefly (asked for every sentence of every call)."""
    key = f"telephony:voice:{language}"
    found = cache.get(key)
    if found is None:
        found = voice_for_language(language) or "none"
        cache.set(key, found, _VOICE_CACHE_SECONDS)
    voice = None if found == "none" else found
    asked = _voices_asked.get()
    if asked is not None:
        asked[language] = voice
    return voice


@contextlib.contextmanager
def voices_recorded() -> Iterator[dict[str, Voice | None]]:
    """Every language whose voice is asked for inside, with the voice it got: a TwiML kept
    (menu_twiml) is as current as a new one while each of those languages keeps its voice."""
    asked: dict[str, Voice | None] = {}
    token = _voices_asked.set(asked)
    try:
        yield asked
    finally:
        _voices_asked.reset(token)


def spoken(lookup: Lookup, language: str) -> tuple[str, Voice | None] | None:
    """(text, voice) for ``language``: the text in the language its voice speaks."""
    found = lookup(language)
    if found is None:
        return None
    text, text_language = found
    voice = voice_of(text_language)
    if voice is not None and voice.language == text_language:
        return text, voice
    if voice is not None:
        again = lookup(voice.language)
        if again is not None and again[1] == voice.language:
            return again[0], voice
    # No voice and no voice fallback: only recorded prompts could say it (docs/how-to.md),
    # never another language's text in its voice. The simulator shows the silence.
    logger.warning("Nothing to say in %s: no voice for %s", language, text_language)
    return None


def phrase_lookup(phrase: str, /, **values) -> Lookup:
    """A value may be a function of the language the phrase is found in (a date is said
    in the words of the text around it, not of the language that was asked for)."""

    def lookup(code: str) -> tuple[str, str]:
        text, language = phrase_in(phrase, language_fallback_chain(code))
        said = {k: v(language) if callable(v) else v for k, v in values.items()}
        return phrase_format(text, language, **said), language

    return lookup


def content_lookup(obj, field: str) -> Lookup:
    def lookup(code: str) -> tuple[str, str] | None:
        found = translation_for(obj, field, code)
        return (found.text, found.language) if found else None

    return lookup


def say(verb, lookup: Lookup, language: str) -> None:
    """Append a <Say> to ``verb`` (a response or a Gather), if there is anything to say."""
    found = spoken(lookup, language)
    if found is None:
        return
    text, voice = found
    if voice is None:
        verb.say(text)
    else:
        verb.say(text, voice=voice.tts_voice, language=voice.tts_language)


def say_phrase(verb, phrase: str, language: str, /, **values) -> None:
    say(verb, phrase_lookup(phrase, **values), language)


def language_name(code: str) -> Callable[[str], str]:
    """The name of language ``code`` in the words of the text that says it (CLDR's, through
    babel): "jazyk čeština", "nyelv: cseh", "Sprache Tschechisch", never "jazyk Czech"."""

    def name_in(text_language: str) -> str:
        names = Locale.parse(locale_of(text_language)).languages
        return names.get(code) or (CATALOG[code].english_name if code in CATALOG else code)

    return name_in


def webhook_url(client_id: int, name: str, **params) -> str:
    """A follow-up webhook of a call, relative (Twilio resolves it against the request)."""
    path = reverse(
        f"twilio-voice-{name}",
        kwargs={"client_id": client_id},
        urlconf=settings.PUBLIC_SCHEMA_URLCONF,
    )  # the agency's domain
    return f"{path}?{urlencode(params)}" if params else path


def hang_up(response: VoiceResponse, language: str, key: str = "goodbye") -> str:
    say_phrase(response, key, language)
    response.hangup()
    return str(response)
