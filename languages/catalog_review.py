"""The interface catalogs' review state: mirrored into the database, written back to the files.

- ``catalog_messages_sync`` reads every catalog under settings.LOCALE_PATHS and makes the
  ``CatalogMessage`` rows match it (run on deploy by ``migrate_platform``, and by the demo);
- a speaker on staff marks messages reviewed, or proposes a better text, in the agency admin;
- ``catalog_reviews_export`` writes those reviews into the catalog files of a checkout
  (``manage.py catalog_reviews_export``): a review becomes a translator comment
  "Reviewed: <name>, <date>" on its message, a proposal becomes the message's text. The
  changed files are committed like any other change, so the review state travels with the
  catalogs and a fresh database learns it from them.
"""

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po
from django.conf import settings
from django.db import transaction

from languages.models import CatalogMessage, Language

REVIEW_COMMENT = re.compile(r"^Reviewed: (?P<name>.+?), (?P<day>\d{4}-\d{2}-\d{2})$")
SOURCE_LANGUAGE = "en"  # the catalog whose texts are the product's own


@dataclass(frozen=True)
class SyncResult:
    created: int
    updated: int
    deleted: int
    reviewed: int


def catalog_paths() -> dict[str, Path]:
    """{language: its interface catalog}, for every language with one."""
    found: dict[str, Path] = {}
    for folder in settings.LOCALE_PATHS:
        for path in sorted(Path(folder).glob("*/LC_MESSAGES/django.po")):
            found.setdefault(path.parent.parent.name, path)
    return found


def _read(path: Path, language: str) -> Catalog:
    with path.open("rb") as po_file:
        return read_po(po_file, locale=language)


def _forms(value: str | tuple | list | None) -> list[str]:
    if value is None:
        return [""]
    return [value] if isinstance(value, str) else list(value)


def _review_of(message: Message) -> tuple[str, date] | None:
    for comment in message.user_comments:
        if found := REVIEW_COMMENT.match(comment.strip()):
            return found["name"], date.fromisoformat(found["day"])
    return None


def _section_of(message: Message) -> str:
    """The heading a group of messages starts with ("# --- billing ---", "# Attachments
    (conversations.attachments, desk/_attachments.html)"): where the message is used."""
    for comment in message.user_comments:
        heading = comment.strip().strip("-").strip()
        if heading and not REVIEW_COMMENT.match(comment.strip()) and not heading.startswith("|"):
            return heading
    return ""


@transaction.atomic
def catalog_messages_sync() -> SyncResult:
    """Make the rows match the catalogs. A row keeps its review while its text is the
    catalog's; a catalog's "Reviewed:" comment makes it reviewed; a changed text without
    one makes it "written" again (its proposal, if any, is kept for the next export)."""
    created = updated = deleted = reviewed = 0
    known_languages = set(Language.objects.values_list("code", flat=True))
    for language, path in catalog_paths().items():
        if language == SOURCE_LANGUAGE or language not in known_languages:
            continue
        rows = {
            (row.context, row.source): row
            for row in CatalogMessage.objects.filter(language_id=language)
        }
        seen = set()
        new_rows, changed_rows = [], []
        section = ""
        for message in _read(path, language):
            if not message.id:
                continue
            section = _section_of(message) or section
            sources = _forms(message.id)
            key = (message.context or "", sources[0])
            seen.add(key)
            forms = _forms(message.string)
            review = _review_of(message)
            row = rows.get(key)
            if row is None:
                row = CatalogMessage(
                    language_id=language,
                    context=key[0],
                    source=sources[0],
                    source_plural=sources[1] if len(sources) > 1 else "",
                    forms=forms,
                    where=(", ".join(location for location, _line in message.locations) or section)[
                        :300
                    ],
                )
                new_rows.append(row)
            elif row.forms != forms:
                row.forms = forms
                row.state = CatalogMessage.State.WRITTEN
                row.reviewed_by, row.reviewed_at, row.reviewer_name = None, None, ""
                changed_rows.append(row)
            if review and row.state != CatalogMessage.State.REVIEWED:
                row.state = CatalogMessage.State.REVIEWED
                row.reviewer_name = review[0]
                row.proposal = []
                if row.pk and row not in changed_rows:
                    changed_rows.append(row)
            reviewed += row.state == CatalogMessage.State.REVIEWED
        CatalogMessage.objects.bulk_create(new_rows, batch_size=1000)
        CatalogMessage.objects.bulk_update(
            changed_rows,
            ["forms", "state", "reviewed_by", "reviewed_at", "reviewer_name", "proposal"],
            batch_size=1000,
        )
        gone = [row.pk for key, row in rows.items() if key not in seen]
        deleted += CatalogMessage.objects.filter(pk__in=gone).delete()[0]
        created += len(new_rows)
        updated += len(changed_rows)
    return SyncResult(created, updated, deleted, reviewed)


def catalog_reviews_export(*, languages: list[str] | None = None) -> dict[str, int]:
    """Write the database's reviews and proposals into the catalog files; {language: count
    of messages written}. Run in a checkout, then commit the changed catalogs."""
    written: dict[str, int] = {}
    for language, path in catalog_paths().items():
        if language == SOURCE_LANGUAGE or (languages and language not in languages):
            continue
        rows = {
            (row.context, row.source): row
            for row in CatalogMessage.objects.filter(language_id=language).exclude(
                state=CatalogMessage.State.WRITTEN
            )
        }
        if not rows:
            continue
        catalog = _read(path, language)
        count = 0
        for message in catalog:
            row = rows.get((message.context or "", _forms(message.id)[0])) if message.id else None
            if row is None:
                continue
            if row.state == CatalogMessage.State.CHANGE_PROPOSED and row.proposal:
                message.string = (
                    row.proposal[0] if isinstance(message.id, str) else tuple(row.proposal)
                )
            day = (row.reviewed_at.date() if row.reviewed_at else date.today()).isoformat()
            name = row.reviewer_name or (row.reviewed_by.get_full_name() if row.reviewed_by else "")
            message.user_comments = [
                comment for comment in message.user_comments if not REVIEW_COMMENT.match(comment)
            ] + [f"Reviewed: {name or 'a speaker'}, {day}"]
            count += 1
        with path.open("wb") as po_file:
            write_po(po_file, catalog, width=0)
        written[language] = count
    return written
