"""The languages Polydesk answers in, as plain data (no Django needed).

Fallback chains, voices and agent skills build on this catalog (see docs/how-to).
"""

from typing import NamedTuple


class Language(NamedTuple):
    code: str
    english_name: str
    native_name: str


CATALOG: dict[str, Language] = {
    lang.code: lang
    for lang in (
        Language("cs", "Czech", "čeština"),
        Language("sk", "Slovak", "slovenčina"),
        Language("pl", "Polish", "polski"),
        Language("de", "German", "Deutsch"),
        Language("hu", "Hungarian", "magyar"),
        Language("ro", "Romanian", "română"),
        Language("sl", "Slovenian", "slovenščina"),
        Language("hr", "Croatian", "hrvatski"),
        Language("bg", "Bulgarian", "български"),
        Language("en", "English", "English"),
        Language("fr", "French", "français"),
        Language("it", "Italian", "italiano"),
        Language("es", "Spanish", "español"),
        Language("nl", "Dutch", "Nederlands"),
        Language("pt", "Portuguese", "português"),
        Language("el", "Greek", "ελληνικά"),
    )
}


def unknown_language_codes(codes: list[str]) -> list[str]:
    """The codes in ``codes`` that the catalog does not know, in their order."""
    return [code for code in codes if code not in CATALOG]
