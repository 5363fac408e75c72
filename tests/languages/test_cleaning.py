"""The customer's own words: cutting first and repairing line by line gives what repairing
the whole text first gave (the oracle below is the earlier own_words)."""

import random

import ftfy

from languages.cleaning import (
    _ORIGINAL_MESSAGE,
    _QUOTE_HEADER,
    _SIGNATURE,
    own_words,
    text_for_detection,
)

PIECES = [
    "Dobrý den, zásilka dorazila poškozená.",
    "DobrÃ½ den, zÃ¡silka dorazila poÅ¡kozenÃ¡.",  # UTF-8 read as Latin-1
    "Tom &amp; Jerry &lt;3",
    "<b>tučně</b> a &nbsp; mezera",
    "> citovaný řádek",
    "-- ",
    "--",
    "-----Original Message-----",
    "Dne 3. 11. 2026 v 10:12 Podpora <podpora@obchod.example> napsala:",
    "On Mon, 2 Nov 2026 at 10:12, Support <support@shop.example> wrote:",
    "",
    "   ",
    "řádek s mezerami na konci   ",
    "\ufb01nální ligatura a \uff46\uff55\uff4c\uff4c",  # fi ligature, full-width "full"
    "\x1b[31mčervená\x1b[0m",
]
BREAKS = ["\n", "\r\n", "\r", "\u2028", "\n\n"]


def old_own_words(text: str) -> str:
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


def test_own_words_is_what_repairing_the_whole_text_first_gave():
    rng = random.Random(17)
    for _ in range(3000):
        parts = rng.choices(PIECES, k=rng.randrange(0, 9))
        text = "".join(part + rng.choice(BREAKS) for part in parts)
        if rng.random() < 0.3:
            text = text.rstrip()
        assert own_words(text) == old_own_words(text), repr(text)


def test_the_repair_stops_at_the_signature():
    text = "DobrÃ½ den.\n-- \nPodpis " + "poÅ¡kozenÃ¡ " * 10_000
    assert own_words(text) == "Dobrý den."


def test_a_phrase_quoted_in_another_language_is_left_out_of_detection():
    mixed = "Hi, your e-mail says „Zásilka byla odeslána“ but nothing has arrived. Where is it?"
    assert text_for_detection(mixed) == "Hi, your e-mail says but nothing has arrived. Where is it?"
    # Unless the quotation is most of the text: then it is what there is to read (ftfy
    # straightens the quotation marks).
    assert text_for_detection("„Zásilka byla odeslána“ ??") == '"Zásilka byla odeslána" ??'
