"""Reads on languages: fallback chains, voices, agents' languages (public schema)."""

from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.cache import cache

from languages.catalog import fallback_chain
from languages.models import AgentSkill, Language, LanguageFallback

_FALLBACKS_CACHE_KEY = "languages:fallbacks:v1"
_CACHE_SECONDS = 60


def fallbacks_map() -> dict[str, list[str]]:
    """{language: [its fallbacks in order]}, one query, cached briefly."""
    found: dict[str, list[str]] | None = cache.get(_FALLBACKS_CACHE_KEY)
    if found is None:
        found = {}
        for language, fallback in LanguageFallback.objects.values_list("language", "fallback"):
            found.setdefault(language, []).append(fallback)
        cache.set(_FALLBACKS_CACHE_KEY, found, _CACHE_SECONDS)
    return found


def fallbacks_cache_clear() -> None:
    cache.delete(_FALLBACKS_CACHE_KEY)


def language_fallback_chain(code: str) -> list[str]:
    """e.g. sk -> ["sk", "cs", "en"]: the language, its fallbacks, the last resort."""
    return fallback_chain(code, fallbacks_map())


@dataclass(frozen=True)
class Voice:
    """What Twilio <Say> needs; ``language`` is whose prompt text must be spoken."""

    language: str
    tts_language: str
    tts_voice: str


def voice_for_language(code: str) -> Voice | None:
    """The voice to speak ``code`` with, or None: play recorded prompts only.

    A language without a voice is spoken in its configured voice fallback (with that
    language's text), never silently by another language's voice.
    """
    languages = {language.code: language for language in Language.objects.all()}
    seen: set[str] = set()
    current = languages.get(code)
    while current is not None and current.code not in seen:
        if current.tts_voice:
            return Voice(current.code, current.tts_language, current.tts_voice)
        seen.add(current.code)
        fallback = current.voice_fallback_id
        current = languages.get(fallback) if fallback is not None else None
    return None


def agent_language_codes(
    agent: AbstractBaseUser, *, at_least: str = AgentSkill.Proficiency.FLUENT
) -> list[str]:
    """The languages ``agent`` may answer in: native and fluent by default."""
    levels = [AgentSkill.Proficiency.NATIVE, AgentSkill.Proficiency.FLUENT]
    if at_least == AgentSkill.Proficiency.BASIC:
        levels.append(AgentSkill.Proficiency.BASIC)
    return list(
        AgentSkill.objects.filter(agent_id=agent.pk, proficiency__in=levels).values_list(
            "language_id", flat=True
        )
    )
