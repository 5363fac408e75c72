"""Checks of an interface catalog (a gettext .po file) that a translation must pass.

Plain functions over babel's reading of the file, no Django: ``make test`` runs them on every
catalog (tests/languages/test_catalog_quality.py) and translators run them on their own work:

    .venv/bin/python -m languages.catalog_check platform/locale/sl/LC_MESSAGES/django.po

- complete: every message has a translation, none is fuzzy (gettext skips fuzzy ones);
- placeholders kept: ``%(name)s``, ``%s`` and ``{name}`` of the source, no others;
- markup kept: the same HTML tags as the source;
- plural forms: the header's ``Plural-Forms`` is the language's rule in CLDR (through
  babel), compared by its value for n = 0..1000, and every plural message has that many forms;
- ``msgfmt --check`` (GNU gettext) finds nothing, when msgfmt is installed.
"""

import gettext
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

from babel.messages.catalog import Message
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from core.locales import babel_locale

PRINTF = re.compile(r"%(?:\([a-zA-Z_][a-zA-Z0-9_]*\))?[-#0 +]*\d*(?:\.\d+)?[sdifr]")
BRACES = re.compile(r"(?<!\{)\{[^\W\d][\w.]*(?::[^{}]*)?\}(?!\})")
TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)\b")
PLURAL_FORMS = re.compile(r"nplurals\s*=\s*(\d+)\s*;\s*plural\s*=\s*(.+?);?\s*$")


def placeholders(text: str) -> list[str]:
    """The placeholders of ``text``, sorted; ``%%`` is a literal percent sign, not one."""
    return sorted(PRINTF.findall(text.replace("%%", "")) + BRACES.findall(text))


def tags(text: str) -> list[str]:
    return sorted(name.lower() for name in TAG.findall(text))


def _forms(value: str | tuple | list | None) -> list[str]:
    if value is None:
        return [""]
    return [value] if isinstance(value, str) else list(value)


def _message_problems(message: Message, nplurals: int) -> Iterable[str]:
    sources = _forms(message.id)
    translations = _forms(message.string)
    label = sources[0][:60]
    if message.fuzzy:
        yield f"fuzzy: {label!r}"
    written = [translation for translation in translations if translation]
    if not written:
        yield f"not translated: {label!r}"
        return
    if message.pluralizable and len(written) != nplurals:
        yield f"{len(written)} plural forms instead of {nplurals}: {label!r}"
        return
    if len(written) != len(translations):
        yield f"not translated: {label!r}"
        return
    source_placeholders = {p for source in sources for p in placeholders(source)}
    for translation in translations:
        extra = set(placeholders(translation)) - source_placeholders
        if extra:
            yield f"placeholder not in the source {sorted(extra)}: {label!r}"
        if tags(translation) != tags(sources[-1 if len(sources) > 1 else 0]) and tags(
            translation
        ) != tags(sources[0]):
            yield f"markup differs from the source: {label!r}"
    if not message.pluralizable:
        missing = set(placeholders(sources[0])) - set(placeholders(translations[0]))
        if missing:
            yield f"placeholder lost {sorted(missing)}: {label!r}"
    else:
        # A form may leave out the number ("one item" for %(counter)s), not a name.
        kept = {p for translation in translations for p in placeholders(translation)}
        missing = source_placeholders - kept
        if missing:
            yield f"placeholder lost in every form {sorted(missing)}: {label!r}"


def plural_problems(header: str, language: str) -> list[str]:
    """The header's Plural-Forms against CLDR's rule for ``language``."""
    expected_count, expected_rule = get_plural(language)
    found = PLURAL_FORMS.match(header.strip())
    if not found:
        return [f"no valid Plural-Forms header (expected nplurals={expected_count})"]
    count, rule = int(found.group(1)), found.group(2)
    if count != expected_count:
        return [f"nplurals={count}, the language has {expected_count}"]
    header_rule, cldr_rule = gettext.c2py(rule), gettext.c2py(expected_rule)
    wrong = [n for n in range(1001) if header_rule(n) != cldr_rule(n)]
    if wrong:
        return [f"plural rule disagrees with CLDR for n = {wrong[:5]}"]
    return []


def msgfmt_problems(path: Path) -> list[str]:
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        return []
    result = subprocess.run(
        [msgfmt, "--check", "-o", "/dev/null", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    return [line for line in result.stderr.splitlines() if line.strip()]


def catalog_problems(path: Path, language: str | None = None) -> list[str]:
    """Everything wrong with the catalog at ``path`` (empty: it passes)."""
    language = language or path.parent.parent.name
    locale = babel_locale(language)  # CLDR's rules of our variant: Portugal's for "pt"
    with path.open("rb") as po_file:
        catalog = read_po(po_file, locale=locale)
    problems = ["the header is fuzzy"] if catalog.fuzzy else []
    header = catalog.mime_headers
    plural_header = next((value for key, value in header if key == "Plural-Forms"), "")
    problems += plural_problems(plural_header, locale)
    language_header = next((value for key, value in header if key == "Language"), "")
    if language_header != language:
        problems.append(f"Language header is {language_header!r}, not {language!r}")
    count, _rule = get_plural(locale)
    for message in catalog:
        if message.id:
            problems += _message_problems(message, count)
    problems += msgfmt_problems(path)
    return problems


def main(paths: list[str]) -> int:
    failed = 0
    for name in paths:
        problems = catalog_problems(Path(name))
        for problem in problems:
            print(f"{name}: {problem}")
        failed += bool(problems)
        print(f"{name}: {'FAILED, ' + str(len(problems)) + ' problems' if problems else 'ok'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
