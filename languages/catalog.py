"""The languages Polydesk answers in, and fallback chains, as plain data (no Django).

The database (``languages.models.Language``) is what the product reads; this list seeds it
(``languages.services.catalog_sync``, run by migrations and ``migrate_platform``). Adding a
language starts here: see docs/how-to.md.
"""

from collections.abc import Mapping, Sequence
from typing import NamedTuple

# Every chain ends here: the language the agency can always answer in.
LAST_RESORT_LANGUAGE = "en"


class Language(NamedTuple):
    code: str
    english_name: str
    native_name: str
    # Locale and voice for Twilio <Say>, from Twilio's list (docs/telephony.md, "Voices");
    # an empty voice means Twilio has none: the language's seed voice fallback speaks.
    tts_language: str
    tts_voice: str
    # ISO 3166-1 countries where the language is spoken (their public holidays apply).
    countries: tuple[str, ...]


CATALOG: dict[str, Language] = {
    lang.code: lang
    for lang in (
        Language("cs", "Czech", "čeština", "cs-CZ", "Google.cs-CZ-Standard-A", ("CZ",)),
        Language("sk", "Slovak", "slovenčina", "sk-SK", "Google.sk-SK-Standard-A", ("SK",)),
        Language("pl", "Polish", "polski", "pl-PL", "Polly.Ewa", ("PL",)),
        Language("de", "German", "Deutsch", "de-DE", "Polly.Marlene", ("DE", "AT", "CH", "LU")),
        Language("hu", "Hungarian", "magyar", "hu-HU", "Google.hu-HU-Standard-A", ("HU",)),
        Language("ro", "Romanian", "română", "ro-RO", "Polly.Carmen", ("RO", "MD")),
        Language("sl", "Slovenian", "slovenščina", "sl-SI", "", ("SI",)),
        Language("hr", "Croatian", "hrvatski", "hr-HR", "", ("HR",)),
        Language("bg", "Bulgarian", "български", "bg-BG", "Google.bg-BG-Standard-A", ("BG",)),
        Language("en", "English", "English", "en-GB", "Polly.Amy", ("GB", "IE", "MT")),
        Language("fr", "French", "français", "fr-FR", "Polly.Celine", ("FR", "BE", "CH", "LU")),
        Language("it", "Italian", "italiano", "it-IT", "Polly.Carla", ("IT", "CH", "SM")),
        Language("es", "Spanish", "español", "es-ES", "Polly.Lucia", ("ES",)),
        Language("nl", "Dutch", "Nederlands", "nl-NL", "Polly.Lotte", ("NL", "BE")),
        Language("pt", "Portuguese", "português", "pt-PT", "Polly.Ines", ("PT",)),
        Language("el", "Greek", "ελληνικά", "el-GR", "Google.el-GR-Standard-A", ("GR", "CY")),
    )
}

# Seeded fallbacks (admins edit them afterwards): mutually intelligible pairs.
SEED_FALLBACKS: dict[str, tuple[str, ...]] = {"sk": ("cs",), "cs": ("sk",)}

# Twilio <Say> has no voice for these (its list of <Say> languages has no sl-SI, no hr-HR):
# their callers hear the IVR in English, text and voice, rather than silence. Admins may
# clear it (then only recorded prompts could speak) or name another language.
SEED_VOICE_FALLBACKS: dict[str, str] = {"sl": "en", "hr": "en"}


def unknown_language_codes(codes: Sequence[str]) -> list[str]:
    """The codes in ``codes`` that the catalog does not know, in their order."""
    return [code for code in codes if code not in CATALOG]


def fallback_chain(
    code: str,
    fallbacks: Mapping[str, Sequence[str]],
    last_resort: str = LAST_RESORT_LANGUAGE,
) -> list[str]:
    """``code``, then its own fallbacks in order, then the last resort; no repeats.

    Only a language's direct fallbacks count: sk -> cs and cs -> pl do not make pl a
    fallback of sk. That keeps what an admin sets on one language the whole story.
    """
    chain = [code]
    for fallback in fallbacks.get(code, ()):
        if fallback not in chain:
            chain.append(fallback)
    if last_resort not in chain:
        chain.append(last_resort)
    return chain
