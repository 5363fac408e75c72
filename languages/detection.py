"""Detecting the language of customer text with lingua (offline; its models ship in the
wheel, nothing is downloaded). The detector is built once per process.

It knows the catalog's languages and the others customers are likely to write in
(``OTHER_LANGUAGES``): a text in one of those is "und" with the language it is in kept in
``Detection.detected``, instead of being forced into the nearest catalog language. Czech
and Slovak go through ``languages.czech_slovak`` (their words, when the letters are
missing). A short or unclear text is weighed against ``languages.priors.Priors`` (the
conversation's history, the customer's language, the countries), and ``decided_by`` says
which source decided. See docs/architecture.md, "Detection".
"""

import functools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from lingua import IsoCode639_1, LanguageDetectorBuilder
from lingua import Language as LinguaLanguage

from languages.catalog import CATALOG
from languages.cleaning import text_for_detection
from languages.czech_slovak import czech_share, own_words_weight, unaccented
from languages.priors import (
    ADDRESS_COUNTRY,
    CLIENT_COUNTRY,
    DEFAULT,
    FLOOR,
    NO_PRIORS,
    STRONGEST_FIRST,
    TEXT,
    WEIGHTS,
    Priors,
)
from languages.romanized import romanized_language

UNDETERMINED = "und"
# Below this share of lingua's confidence the answer is "uncertain": measured on the
# evaluation set (benchmarks/language_detection.py), see docs/performance.md.
MIN_CONFIDENCE = 0.5
# For a client: the languages it serves must hold at least this share together before the
# best of them is picked from a weak overall answer ("ok" says nothing about the language).
MIN_SERVED_SHARE = 0.3
# Up to this many characters (after cleaning) a text is "short": the priors count even
# when the detector seems sure ("Dekuji" reads as Slovak, "Danke!" as anything).
SHORT_TEXT = 20
# A short text weakly read as another language is taken for the best catalog language when
# that has at least this share of the other's (measured on the short texts of the set).
SHORT_RUNNER_UP = 0.5

# Languages outside the catalog that customers of European shops write in, so that their
# texts are recognised as what they are (ISO 639-1; lingua has no Javanese: see _JAVANESE).
# Each Latin-script language costs time per message; those of other scripts cost only
# when their script is met.
_OTHER_LATIN = "id ms tl tr sq lv lt et fi sv da nb ca vi sw so"
_OTHER_SCRIPTS = "ru uk mk be sr ar fa he hi zh ja ko th"
OTHER_LANGUAGES = tuple(f"{_OTHER_LATIN} {_OTHER_SCRIPTS}".split())
# Javanese words (ngoko and krama) that Indonesian and Malay do not use.
_JAVANESE = frozenset(
    [
        "kowe",
        "ora",
        "wis",
        "durung",
        "arep",
        "karo",
        "sing",
        "piye",
        "opo",
        "kepiye",
        "nggih",
        "mboten",
        "sampun",
        "panjenengan",
        "kula",
        "matur",
        "nuwun",
        "sampeyan",
        "iki",
        "kuwi",
        "lan",
        "uga",
        "dudu",
        "yen",
    ]
)
_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Detection:
    language: str  # a catalog code, or "und"
    confidence: float  # 0..1, the share of that language among the detector's
    certain: bool
    # What the text was read as: a catalog code, another language's code ("sv", "jv")
    # when ``language`` is "und" or a default, or "und".
    detected: str = UNDETERMINED
    # Which source decided (languages.priors.DECIDED_BY): "text" when the text alone did.
    decided_by: str = TEXT


@functools.cache
def _detector():
    languages = [
        LinguaLanguage.from_iso_code_639_1(getattr(IsoCode639_1, code.upper()))
        for code in (*CATALOG, *OTHER_LANGUAGES)
    ]
    return (
        LanguageDetectorBuilder.from_languages(*languages).with_preloaded_language_models().build()
    )


# lingua loads a language's models when a text first needs them: one short text per
# script loads them all at start-up (the first real message would pay otherwise).
_WARM_UP = (
    "Dobrý den, kdy přijde zásilka? Where is my parcel? Wo ist das Paket, bitte?",
    "Здравствуйте, где мой заказ? Здравейте, кога ще пристигне пратката?",
    "Πού είναι το δέμα;",
    "أين طلبي؟ سفارش من کجاست؟",
    "איפה ההזמנה שלי?",
    "मेरा ऑर्डर कहाँ है?",
    "我的订单在哪里? 注文はどこですか? 주문은 어디에 있나요?",
    "คำสั่งซื้อของฉันอยู่ที่ไหน",
)


def detector_load() -> None:
    """Build the detector and load its models now rather than on the first messages."""
    detector = _detector()
    for text in _WARM_UP:
        detector.compute_language_confidence_values(text)


def _confidences(cleaned: str) -> dict[str, float]:
    """{code: share} over every language the detector knows, cs/sk settled by their words."""
    shares = {
        value.language.iso_code_639_1.name.lower(): value.value
        for value in _detector().compute_language_confidence_values(cleaned)
    }
    czech, slovak = shares.get("cs", 0.0), shares.get("sk", 0.0)
    if czech + slovak < max(shares.values(), default=0.0) and (own := own_words_weight(cleaned)):
        # "Dekuji" alone reads as anything: a word only Czech or Slovak writes is evidence
        # for the pair against the rest, as the words are against each other.
        boost = math.exp(own / 2)
        total = sum(shares.values()) + (czech + slovak) * (boost - 1)
        shares = {code: share / total for code, share in shares.items()}
        czech, slovak = czech * boost / total, slovak * boost / total
        shares["cs"], shares["sk"] = czech, slovak
    if czech + slovak >= max(shares.values(), default=0.0) and czech + slovak > 0:
        share = czech_share(cleaned, czech=czech, slovak=slovak)
        shares["cs"], shares["sk"] = (czech + slovak) * share, (czech + slovak) * (1 - share)
    return shares


def _named(code: str, cleaned: str) -> str:
    """``code``, or "jv" for Indonesian or Malay that is Javanese."""
    if code in ("id", "ms"):
        words = _WORD.findall(unaccented(cleaned))
        if words and sum(word in _JAVANESE for word in words) >= max(2, len(words) // 5):
            return "jv"
    return code


def _weighed(shares: dict[str, float], priors: Priors) -> tuple[dict[str, float], dict]:
    """The detector's shares times the priors, renormalised; and the priors by source."""
    sources = priors.by_source()
    posterior = {}
    for code, share in shares.items():
        belief = FLOOR + sum(
            WEIGHTS[source] * languages.get(code, 0.0) for source, languages in sources.items()
        )
        posterior[code] = share * belief
    total = sum(posterior.values())
    if total <= 0:
        return shares, sources
    return {code: value / total for code, value in posterior.items()}, sources


def _prior_only(priors: Priors) -> tuple[str, float, str] | None:
    """(language, belief, source) from the priors alone, for a text without words."""
    sources = priors.by_source()
    belief: dict[str, float] = {}
    for source, languages in sources.items():
        for code, share in languages.items():
            belief[code] = belief.get(code, 0.0) + WEIGHTS[source] * share
    if not belief:
        return None
    code = max(belief, key=lambda c: belief[c])
    return code, belief[code] / sum(belief.values()), _deciding_source(code, sources)


def _deciding_source(code: str, sources: dict) -> str:
    """The strongest source that holds ``code`` ("text" when none does)."""
    return next((s for s in STRONGEST_FIRST if code in sources.get(s, {})), TEXT)


def _sure(share: float, decided_by: str, min_confidence: float) -> bool:
    # A country says which language is likely, not which one it is: an answer that rests
    # on one stays uncertain for an agent to confirm.
    return share >= min_confidence and decided_by not in (ADDRESS_COUNTRY, CLIENT_COUNTRY)


def detect_language(
    text: str, *, min_confidence: float = MIN_CONFIDENCE, priors: Priors = NO_PRIORS
) -> Detection:
    """The language of ``text`` among the catalog's, or "und": too little text, or a
    language outside the catalog (kept in ``detected``). A short or unclear text is weighed
    against ``priors``; ``decided_by`` says which source decided."""
    cleaned = text_for_detection(text)
    if not any(character.isalpha() for character in cleaned):
        known = _prior_only(priors)
        if known is None:
            return Detection(UNDETERMINED, 0.0, certain=False, decided_by=DEFAULT)
        code, belief, source = known
        certain = _sure(belief, source, min_confidence)
        return Detection(code, belief, certain=certain, decided_by=source)
    shares = _confidences(cleaned)
    best = max(shares, key=lambda c: shares[c])
    clear = shares[best] >= min_confidence and len(cleaned) > SHORT_TEXT
    decided_by = TEXT
    if not clear and priors != NO_PRIORS:
        weighed, sources = _weighed(shares, priors)
        winner = max(weighed, key=lambda c: weighed[c])
        if winner != best or shares[best] < min_confidence:
            decided_by = _deciding_source(winner, sources)
        shares, best = weighed, winner
    share = shares[best]
    # Checked whatever lingua says: it reads Latin-letter Bulgarian as Slovenian "for sure".
    romanized, words_share = romanized_language(cleaned)
    if romanized:
        return Detection(romanized, words_share, certain=False, detected=romanized)
    if best not in CATALOG and share < min_confidence and len(cleaned) <= SHORT_TEXT:
        # A short text weakly in another language, with a catalog language close behind
        # ("Où est mon colis ?" reads a little Tagalog, nearly as much French): that one,
        # uncertain, says more than "und". A longer text stays "und": that is how texts
        # in other languages look.
        runner_up = max(CATALOG, key=lambda code: shares.get(code, 0.0))
        if shares.get(runner_up, 0.0) >= share * SHORT_RUNNER_UP:
            share = shares[runner_up]
            return Detection(
                runner_up, share, certain=False, detected=runner_up, decided_by=decided_by
            )
    if best not in CATALOG:
        return Detection(
            UNDETERMINED,
            share,
            certain=False,
            detected=_named(best, cleaned),
            decided_by=decided_by,
        )
    certain = _sure(share, decided_by, min_confidence)
    return Detection(best, share, certain=certain, detected=best, decided_by=decided_by)


def detect_language_for_client(
    text: str,
    *,
    languages: Sequence[str],
    default: str,
    min_confidence: float = MIN_CONFIDENCE,
    priors: Priors = NO_PRIORS,
) -> Detection:
    """Detection for a client that serves ``languages``.

    - The text is in a served language, surely (or the priors made it sure): that one.
    - It is in another language, catalog or not (German written to a Czech shop,
      Javanese to anyone): the client's ``default``, uncertain, with ``detected`` keeping
      what it is for the agent.
    - Otherwise the best served catalog language, its confidence renormalised among the
      served ones, when they hold enough of the whole; below ``min_confidence`` it becomes
      ``default``, uncertain.
    An agent corrects an uncertain language in one click.
    """
    cleaned = text_for_detection(text)
    found = detect_language(text, min_confidence=min_confidence, priors=priors)
    if not any(character.isalpha() for character in cleaned) and not found.certain:
        return Detection(default, found.confidence, certain=False, decided_by=DEFAULT)
    if found.certain and found.language in languages:
        return found
    if found.language in languages and found.decided_by != TEXT:
        return found  # the priors' best guess, uncertain: better than the default
    if found.certain or found.language == UNDETERMINED:
        return Detection(
            default, found.confidence, certain=False, detected=found.detected, decided_by=DEFAULT
        )
    shares = _confidences(cleaned)
    served = sorted(
        ((code, share) for code, share in shares.items() if code in languages),
        key=lambda item: -item[1],
    )
    total = sum(share for _, share in served)
    if not served or total < MIN_SERVED_SHARE:
        return Detection(default, total, certain=False, detected=found.detected, decided_by=DEFAULT)
    code, share = served[0]
    confidence = share / total
    if confidence >= min_confidence:
        return Detection(code, confidence, certain=True, detected=code)
    return Detection(default, confidence, certain=False, detected=code, decided_by=DEFAULT)
