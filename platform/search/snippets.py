"""What a hit shows of its match: the words found marked, in a window of the text around
the first of them. Plain Python (no Django): the folding here is the index's
(``public.search_fold``: lower case, no accents) one character for one, so a match found
in the folded text is at the same place in the original."""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Letters whose accent or stroke is not a combining mark (as in languages migration 0003).
_STROKES = {"ł": "l", "đ": "d", "ø": "o", "ħ": "h", "ŧ": "t", "ŀ": "l", "\u0131": "i"}
_WORDS = re.compile(r"[^\W_]+")
PHONE = re.compile(r"^[\s+()./\-\d]+$")


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    lower = char.lower()
    if len(lower) != 1:  # "İ" lowers to two characters: kept, so positions stay aligned
        return char
    base = _STROKES.get(lower) or unicodedata.normalize("NFD", lower)[0]
    return base if base.isascii() else lower


def fold(text: str) -> str:
    """Lower case without accents, one character for each character of ``text``."""
    return "".join(map(_fold_char, text))


def query_text(query: str) -> str:
    """What is looked up for ``query``: a phone number (any formatting) as its digits
    without the leading zeros of a trunk or international prefix, anything else as typed
    (less NUL characters, which PostgreSQL refuses in text: a typed or sent query never
    fails for them)."""
    query = query.replace("\x00", "")
    digits = re.sub(r"\D", "", query)
    if PHONE.match(query) and len(digits) >= 6:
        return digits.lstrip("0")
    return query.strip()


# A word of this many letters or more is looked up without its last letter, as a prefix
# (the index's rule, search.selectors.MATCH_SQL): its inflected forms are found too.
STEM_LETTERS = 5
_LETTERS = re.compile(r"^[a-z]+$")


def _stem(word: str) -> str:
    return word[:-1] if len(word) >= STEM_LETTERS and _LETTERS.match(word) else word


def query_words(query: str) -> list[str]:
    """The folded words of a query as they are looked up, longest first (so "novakov" wins
    over "novak")."""
    words = {_stem(word) for word in _WORDS.findall(fold(query_text(query)))}
    return sorted(words, key=len, reverse=True)


@dataclass(frozen=True)
class Part:
    text: str
    match: bool


def _spans(text: str, words: list[str]) -> list[tuple[int, int]]:
    if not words:
        return []
    # A word matches at the start of a word of the text (the index matches prefixes); the
    # whole word of the text is marked ("zilin" marks "Žiline").
    pattern = re.compile(r"(?<![^\W_])(?:" + "|".join(map(re.escape, words)) + r")[^\W_]*")
    return [match.span() for match in pattern.finditer(fold(text))]


def _parts(text: str, spans: list[tuple[int, int]]) -> list[Part]:
    parts, at = [], 0
    for start, end in spans:
        if start > at:
            parts.append(Part(text[at:start], False))
        parts.append(Part(text[start:end], True))
        at = end
    if at < len(text):
        parts.append(Part(text[at:], False))
    return parts


def highlighted(text: str, words: list[str]) -> list[Part]:
    """``text`` cut into parts, the words found marked."""
    return _parts(text, _spans(text, words))


def snippet(text: str, words: list[str], *, width: int = 220) -> list[Part]:
    """About ``width`` characters of ``text`` around its first match (its start when no word
    is in it: the hit matched the subject or the customer), the words found marked."""
    flat = " ".join(text.split())
    spans = _spans(flat, words)
    start = 0
    if spans:
        start = max(0, spans[0][0] - width // 3)
        if start:  # from the start of a word
            space = flat.find(" ", start)
            start = space + 1 if 0 <= space < spans[0][0] else start
    end = min(len(flat), start + width)
    if end < len(flat):
        space = flat.rfind(" ", start, end)  # at the end of a word, after the first match
        end = space if space > (spans[0][1] if spans else start) else end
    window = [(s - start, e - start) for s, e in spans if s >= start and e <= end]
    parts = _parts(flat[start:end], window)
    if start:
        parts.insert(0, Part("… ", False))
    if end < len(flat):
        parts.append(Part(" …", False))
    return parts
