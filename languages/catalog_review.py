"""The interface catalogs' review state: mirrored into the database, written back to the files.

- ``catalog_messages_sync`` reads every catalog under settings.LOCALE_PATHS and makes the
  ``CatalogMessage`` rows follow it (run on deploy by ``migrate_platform``, and by the demo);
- a speaker on staff marks messages reviewed, or proposes a better text, in the agency admin;
- ``catalog_reviews_export`` writes those reviews into the catalog files of a checkout
  (``manage.py catalog_reviews_export``): a review becomes a translator comment
  "Reviewed: <name>, <date>, <digest of the text>" on its message, a proposal becomes the
  message's text. The changed files are committed like any other change, so the review
  state travels with the catalogs and a fresh database learns it from them.

Nothing a speaker did is dropped by a deploy: a proposal stays until the catalog holds it,
a review or proposal of a message that left the catalogs stays (listed as such), and the
export never writes over a text that changed since the speaker saw it (it reports it).
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from languages.catalog_check import REVIEW_COMMENT, review_comment, text_digest
from languages.models import CatalogMessage, Language

SOURCE_LANGUAGE = "en"  # the catalog whose texts are the product's own
GONE = "no longer in the catalog"
State = CatalogMessage.State


@dataclass(frozen=True)
class SyncResult:
    created: int
    updated: int
    deleted: int
    reviewed: int
    # Reviews and proposals of messages no longer in the catalogs: kept, listed here.
    orphaned: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Review:
    name: str
    day: date


def catalog_paths() -> dict[str, Path]:
    """{language: its interface catalog}, for every language with one."""
    found: dict[str, Path] = {}
    for folder in settings.LOCALE_PATHS:
        for path in sorted(Path(folder).glob("*/LC_MESSAGES/django.po")):
            found.setdefault(path.parent.parent.name, path)
    return found


def catalog_read(path: Path, language: str) -> Catalog:
    with path.open("rb") as po_file:
        return read_po(po_file, locale=language)


def catalog_write(path: Path, catalog: Catalog) -> None:
    """How every catalog of the repository is written (a read and a write change nothing:
    tests/languages/test_catalog_quality.py)."""
    with path.open("wb") as po_file:
        write_po(po_file, catalog, width=0)


def _forms(value: str | tuple | list | None) -> list[str]:
    if value is None:
        return [""]
    return [value] if isinstance(value, str) else list(value)


def _review_of(message: Message) -> Review | None:
    """The message's review comment, when it is of the text as it is now."""
    forms = _forms(message.string)
    for comment in message.user_comments:
        found = REVIEW_COMMENT.match(comment.strip())
        if found and found["digest"] == text_digest(forms):
            return Review(found["name"], date.fromisoformat(found["day"]))
    return None


def _section_of(message: Message) -> str:
    """The heading a group of messages starts with ("# --- billing ---", "# Attachments
    (conversations.attachments, desk/_attachments.html)"): where the message is used."""
    for comment in message.user_comments:
        heading = comment.strip().strip("-").strip()
        if heading and not REVIEW_COMMENT.match(comment.strip()) and not heading.startswith("|"):
            return heading
    return ""


def _reviewed_from_file(row: CatalogMessage, review: Review) -> None:
    row.state = State.REVIEWED
    row.reviewer_name = review.name
    row.reviewed_at = timezone.make_aware(datetime.combine(review.day, time(12)))
    row.proposal, row.proposed_against = [], []


def _follow(row: CatalogMessage, forms: list[str], review: Review | None) -> bool:
    """Make an existing row follow its message's text in the catalog; True when it changed."""
    if row.forms == forms:
        if row.state == State.WRITTEN and review:
            _reviewed_from_file(row, review)
            return True
        return False
    row.forms = forms
    if row.state == State.CHANGE_PROPOSED and row.proposal != forms:
        # A proposal against an older text stays, for the speaker to see and the export to
        # report; the catalog's new text is shown beside it.
        return True
    if review:
        _reviewed_from_file(row, review)
    else:
        row.state = State.WRITTEN
        row.reviewed_by, row.reviewed_at, row.reviewer_name = None, None, ""
        row.proposal, row.proposed_against = [], []
    return True


@transaction.atomic
def catalog_messages_sync() -> SyncResult:
    """Make the rows follow the catalogs (see the module's docstring for what is kept)."""
    created = updated = deleted = reviewed = 0
    orphaned: list[str] = []
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
        for message in catalog_read(path, language):
            if not message.id:
                continue
            section = _section_of(message) or section
            sources = _forms(message.id)
            key = (message.context or "", sources[0])
            seen.add(key)
            forms = _forms(message.string)
            review = _review_of(message)
            where = (", ".join(location for location, _line in message.locations) or section)[:300]
            source_plural = sources[1] if len(sources) > 1 else ""
            row = rows.get(key)
            if row is None:
                row = CatalogMessage(
                    language_id=language,
                    context=key[0],
                    source=sources[0],
                    source_plural=source_plural,
                    forms=forms,
                    where=where,
                )
                if review:
                    _reviewed_from_file(row, review)
                new_rows.append(row)
            else:
                changed = _follow(row, forms, review)
                if (row.where, row.source_plural) != (where, source_plural):
                    row.where, row.source_plural = where, source_plural
                    changed = True
                if changed:
                    changed_rows.append(row)
            reviewed += row.state == State.REVIEWED
        CatalogMessage.objects.bulk_create(new_rows, batch_size=1000)
        CatalogMessage.objects.bulk_update(
            changed_rows,
            [
                "forms",
                "state",
                "reviewed_by",
                "reviewed_at",
                "reviewer_name",
                "proposal",
                "proposed_against",
                "where",
                "source_plural",
            ],
            batch_size=1000,
        )
        gone = [row for key, row in rows.items() if key not in seen]
        deleted += CatalogMessage.objects.filter(
            pk__in=[row.pk for row in gone if row.state == State.WRITTEN]
        ).delete()[0]
        kept = [row for row in gone if row.state != State.WRITTEN]
        CatalogMessage.objects.filter(pk__in=[row.pk for row in kept]).update(where=GONE)
        orphaned += [f"{language}: {row.source[:60]!r} ({row.state})" for row in kept]
        created += len(new_rows)
        updated += len(changed_rows)
    return SyncResult(created, updated, deleted, reviewed, orphaned)


@dataclass
class ExportResult:
    written: dict[str, int] = field(default_factory=dict)
    # Reviews and proposals not written, because the catalog's text is not the one the
    # speaker saw: "cs: 'Sign in': ...".
    conflicts: list[str] = field(default_factory=list)


def catalog_reviews_export(*, languages: list[str] | None = None) -> ExportResult:
    """Write the database's reviews and proposals into the catalog files. Run in a checkout
    that has the deployed catalogs (the same commit), then commit the changed catalogs."""
    result = ExportResult()
    for language, path in catalog_paths().items():
        if language == SOURCE_LANGUAGE or (languages and language not in languages):
            continue
        rows = {
            (row.context, row.source): row
            for row in CatalogMessage.objects.filter(language_id=language)
            .exclude(state=State.WRITTEN)
            .select_related("reviewed_by")
        }
        if not rows:
            continue
        catalog = catalog_read(path, language)
        count = 0
        for message in catalog:
            row = rows.get((message.context or "", _forms(message.id)[0])) if message.id else None
            if row is None:
                continue
            now_text = _forms(message.string)
            label = f"{language}: {row.source[:60]!r}"
            if row.state == State.CHANGE_PROPOSED:
                if now_text != row.proposed_against:
                    result.conflicts.append(
                        f"{label}: the catalog's text changed since the proposal"
                    )
                    continue
                forms = row.proposal
                message.string = forms[0] if isinstance(message.id, str) else tuple(forms)
            else:
                if now_text != row.forms:
                    result.conflicts.append(f"{label}: the catalog's text is not the one reviewed")
                    continue
                forms = now_text
            day = (row.reviewed_at or timezone.now()).date().isoformat()
            name = row.reviewer_name or "a speaker"
            comments = [c for c in message.user_comments if not REVIEW_COMMENT.match(c.strip())]
            message.user_comments = [*comments, review_comment(name, day, forms)]
            count += 1
        catalog_write(path, catalog)
        result.written[language] = count
    return result
