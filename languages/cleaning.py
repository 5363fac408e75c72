"""Preparing customer text for language detection (plain Python, no Django).

What is left is what the customer wrote: mangled encodings repaired, quoted history,
signatures, addresses, links and numbers removed.
"""

import re

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

MAX_CHARACTERS = 1000  # the start of a long e-mail says the language as well as all of it


def own_words(text: str) -> str:
    """What the customer wrote, lines kept: quoted history and signature cut (for display;
    the full message stays available)."""
    kept: list[str] = []
    for line in ftfy.fix_text(text).splitlines():
        stripped = line.strip()
        if _SIGNATURE.match(line) or _ORIGINAL_MESSAGE.match(stripped):
            break
        if _QUOTE_HEADER.match(stripped) and kept:
            break
        if stripped.startswith(">"):
            continue
        kept.append(line.rstrip())
    return "\n".join(kept).strip()


def text_for_detection(text: str) -> str:
    """The customer's own words from ``text``, on one line, without links and numbers."""
    cleaned = _NOISE.sub(" ", own_words(text))
    return _SPACES.sub(" ", cleaned).strip()[:MAX_CHARACTERS]
