"""Detecting the language of customer text with lingua (offline; its models ship in the
wheel, nothing is downloaded). The detector is built once per process.
"""

import functools
from collections.abc import Sequence
from dataclasses import dataclass

from languages.catalog import CATALOG
from languages.cleaning import text_for_detection

UNDETERMINED = "und"
# Below this share of lingua's confidence the answer is "uncertain": measured on the
# evaluation set (benchmarks/language_detection.py), see docs/performance.md.
MIN_CONFIDENCE = 0.5
# For a client: the languages it serves must hold at least this share together before the
# best of them is picked from a weak overall answer ("ok" says nothing about the language).
MIN_SERVED_SHARE = 0.3


@dataclass(frozen=True)
class Detection:
    language: str  # a catalog code, or "und"
    confidence: float  # 0..1, lingua's share for that language among the catalog's
    certain: bool
    # The detected language when ``language`` was replaced by a default.
    detected: str = UNDETERMINED


@functools.cache
def _detector():
    from lingua import IsoCode639_1, LanguageDetectorBuilder
    from lingua import Language as LinguaLanguage

    languages = [
        LinguaLanguage.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())) for code in CATALOG
    ]
    return (
        LanguageDetectorBuilder.from_languages(*languages).with_preloaded_language_models().build()
    )


def detector_load() -> None:
    """Build the detector now (at worker start-up) rather than on the first message."""
    _detector()


def _confidences(cleaned: str) -> list[tuple[str, float]]:
    """[(code, share)], best first, over the whole catalog."""
    return [
        (value.language.iso_code_639_1.name.lower(), value.value)
        for value in _detector().compute_language_confidence_values(cleaned)
    ]


def detect_language(text: str, *, min_confidence: float = MIN_CONFIDENCE) -> Detection:
    """The language of ``text`` among the catalog's, or "und" when the text says too little."""
    cleaned = text_for_detection(text)
    if not any(character.isalpha() for character in cleaned):
        return Detection(UNDETERMINED, 0.0, certain=False)
    code, share = _confidences(cleaned)[0]
    return Detection(code, share, certain=share >= min_confidence, detected=code)


def detect_language_for_client(
    text: str, *, languages: Sequence[str], default: str, min_confidence: float = MIN_CONFIDENCE
) -> Detection:
    """Detection restricted to the languages a client serves.

    - The best language overall is served and confident: that one.
    - It is not served and confident (German written to a Czech shop): the client's
      ``default``, uncertain, with ``detected`` keeping the guess for the agent.
    - Otherwise the best served language, its confidence renormalised among the served
      ones (Czech typed without diacritics scores low against the whole catalog but
      clearly above Slovak); below ``min_confidence`` it becomes ``default``, uncertain.
    An agent corrects an uncertain language in one click.
    """
    cleaned = text_for_detection(text)
    if not any(character.isalpha() for character in cleaned):
        return Detection(default, 0.0, certain=False)
    ranked = _confidences(cleaned)
    best, best_share = ranked[0]
    if best_share >= min_confidence:
        if best in languages:
            return Detection(best, best_share, certain=True, detected=best)
        return Detection(default, best_share, certain=False, detected=best)
    served = [(code, share) for code, share in ranked if code in languages]
    total = sum(share for _, share in served)
    if not served or total < MIN_SERVED_SHARE:
        return Detection(default, total, certain=False, detected=best)
    code, share = served[0]
    confidence = share / total
    if confidence >= min_confidence:
        return Detection(code, confidence, certain=True, detected=code)
    return Detection(default, confidence, certain=False, detected=code)
