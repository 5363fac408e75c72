"""The babel (CLDR) locale of a language code: plain data, no Django."""

# Where CLDR's locale of the bare code is another country's than ours: babel's "pt" is
# Brazil's, our Portuguese is Portugal's (numbers, dates, plural rules).
BABEL_LOCALES: dict[str, str] = {"pt": "pt_PT"}


def babel_locale(code: str) -> str:
    """The babel (CLDR) locale of a language code: "pt" -> "pt_PT", "pt-br" -> "pt_BR"."""
    language, _, region = code.replace("_", "-").partition("-")
    if region:
        return f"{language.lower()}_{region.upper()}"
    return BABEL_LOCALES.get(language.lower(), language.lower())
