"""One line that tells a customer we can answer in their language (plain data).

An acknowledgement goes in the client's default language when detection was unsure of the
customer's; when it read a catalog language all the same, this line in that language goes
with it (platform/conversations/acknowledgements.py), so that the customer is not left
guessing. Written for each catalog language; a new catalog language adds its line here
(tests/languages/test_answer_line.py checks that every language has one).
"""

ANSWER_IN_LANGUAGE_LINE: dict[str, str] = {
    "cs": "Odpovíme vám i česky.",
    "sk": "Odpovieme vám aj po slovensky.",
    "pl": "Możemy odpowiedzieć również po polsku.",
    "de": "Gern antworten wir Ihnen auch auf Deutsch.",
    "hu": "Magyarul is szívesen válaszolunk.",
    "ro": "Vă putem răspunde și în limba română.",
    "sl": "Odgovorimo vam lahko tudi v slovenščini.",
    "hr": "Možemo vam odgovoriti i na hrvatskom.",
    "bg": "Можем да ви отговорим и на български.",
    "en": "We can also answer you in English.",
    "fr": "Nous pouvons aussi vous répondre en français.",
    "it": "Possiamo risponderle anche in italiano.",
    "es": "También podemos responderle en español.",
    "nl": "We kunnen u ook in het Nederlands antwoorden.",
    "pt": "Também lhe podemos responder em português.",
    "el": "Μπορούμε να σας απαντήσουμε και στα ελληνικά.",  # noqa: RUF001 - Greek, not Latin
}


def answer_in_language_line(*, language: str, uncertain: bool, detected: str) -> str:
    """The line for a conversation in ``language`` whose detection was ``uncertain`` and
    read ``detected``: that language's line when it is another catalog language, else ""."""
    if not uncertain or detected == language:
        return ""
    return ANSWER_IN_LANGUAGE_LINE.get(detected, "")
