"""Preparing customer text for language detection (plain Python, no Django).

What is left is what the customer wrote: mangled encodings repaired, quoted history,
signatures, addresses, links and numbers removed.
"""

import re
from collections.abc import Iterator

import ftfy

# A mail client's line introducing the quoted message, in any language: it names the sender
# with an address and ends with a colon ("On Mon, ... <support@shop.example> wrote:",
# "Am 03.11.2026 um 10:12 schrieb Support <...>:", "Dne ... napsal(a):").
_QUOTE_HEADER = re.compile(
    r"^.{0,160}(<[^<>\s]+@[^<>\s]+>|\b\d{1,2}[./]\s?\d{1,2}[./]\s?\d{2,4}\b).{0,80}:\s*$"
)
_ORIGINAL_MESSAGE = re.compile(r"^\s*[-_]{3,}.{0,40}[-_]{3,}\s*$")  # -----Original Message-----
_SIGNATURE = re.compile(r"^--\s*$")
_NOISE = re.compile(r"(https?://\S+|www\.\S+|\S+@\S+|[#№]?\d[\d\s./:,-]*)")
_SPACES = re.compile(r"\s+")
# A phrase quoted from elsewhere ("your e-mail says „Zásilka byla odeslána“"): often in
# another language than the customer's own words around it.
_QUOTED_PHRASE = re.compile(r"[„“”«»\"][^„“”«»\"\n]{1,160}[„“”«»\"]")
# Quoted phrases are cut only when this many characters of the customer's own are left.
MIN_OWN_CHARACTERS = 20

MAX_CHARACTERS = 1000  # the start of a long e-mail says the language as well as all of it


def own_words(text: str) -> str:
    """What the customer wrote, lines kept: quoted history and signature cut (for display;
    the full message stays available)."""
    kept: list[str] = []
    for line in _fixed_lines(text):
        stripped = line.strip()
        if _SIGNATURE.match(line) or _ORIGINAL_MESSAGE.match(stripped):
            break
        if _QUOTE_HEADER.match(stripped) and kept:
            break
        if stripped.startswith(">"):
            continue
        kept.append(line.rstrip())
    return "\n".join(kept).strip()


def _fixed_lines(text: str) -> Iterator[str]:
    """``ftfy.fix_text(text).splitlines()``, repaired one line at a time as it is read.

    own_words stops at the signature or the quoted history, which is most of a long e-mail;
    repairing the whole text first cost 0.4 ms a message (40 ms on an item page of 100 of
    the customer's e-mails). This is ftfy's own loop (``fix_text``: segments ending at
    ``\\n``, HTML entities left alone from the first segment holding a ``<``), so the lines
    are the same (tests/languages/test_cleaning.py holds it to fix_text).
    """
    config = ftfy.TextFixerConfig(explain=False)
    carried = ""  # a fixed line without its end yet (a segment cut at max_decode_length)
    start = 0
    while start < len(text):
        end = text.find("\n", start) + 1 or len(text)
        end = min(end, start + config.max_decode_length)
        segment = text[start:end]
        if config.unescape_html == "auto" and "<" in segment:
            config = config._replace(unescape_html=False)
        lines = (carried + ftfy.fix_and_explain(segment, config).text).splitlines(keepends=True)
        carried = lines.pop() if lines and lines[-1].splitlines()[0] == lines[-1] else ""
        for line in lines:
            yield line.splitlines()[0]
        start = end
    if carried:
        yield carried


def text_for_detection(text: str) -> str:
    """The customer's own words from ``text``, on one line, without links, numbers and
    phrases quoted in quotation marks (when enough is left without them)."""
    cleaned = _SPACES.sub(" ", _NOISE.sub(" ", own_words(text))).strip()
    unquoted = _SPACES.sub(" ", _QUOTED_PHRASE.sub(" ", cleaned)).strip()
    if len(unquoted) >= MIN_OWN_CHARACTERS:
        cleaned = unquoted
    return cleaned[:MAX_CHARACTERS]
