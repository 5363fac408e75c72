"""Demo: the interface translations' review list, with a speaker's work in it.

The catalogs are mirrored into the review list (as ``migrate_platform`` does on deploy);
then Jana, a Czech speaker, has reviewed the Czech texts of the sections the client portal
uses, and Andrei has proposed a better Romanian text for one message. These reviews live in
the demo's database only: the agency admin's "Interface translations" page shows the state
per language.
"""

from collections.abc import Callable

from django.utils import timezone

from accounts.models import User
from languages.catalog_review import catalog_messages_sync
from languages.models import CatalogMessage

DEMO_REVIEWED_WHERE = "portal"  # Jana's share: the sections used by the client portal
DEMO_PROPOSAL = ("ro", "Sign out", ["Ieșire din cont"])


def seed_translation_reviews(log: Callable[[str], None]) -> None:
    result = catalog_messages_sync()
    jana = User.objects.filter(username="jana").first()
    andrei = User.objects.filter(username="andrei").first()
    now = timezone.now()
    reviewed = 0
    if jana is not None:
        reviewed = CatalogMessage.objects.filter(
            language_id="cs",
            where__contains=DEMO_REVIEWED_WHERE,
            state=CatalogMessage.State.WRITTEN,
        ).update(
            state=CatalogMessage.State.REVIEWED,
            reviewed_by=jana,
            reviewer_name=jana.get_full_name(),
            reviewed_at=now,
        )
    language, source, proposal = DEMO_PROPOSAL
    if andrei is not None:
        CatalogMessage.objects.filter(
            language_id=language, source=source, state=CatalogMessage.State.WRITTEN
        ).exclude(forms=proposal).update(
            state=CatalogMessage.State.CHANGE_PROPOSED,
            proposal=proposal,
            reviewed_by=andrei,
            reviewer_name=andrei.get_full_name(),
            reviewed_at=now,
        )
    total = CatalogMessage.objects.count()
    log(
        f"interface translations: {total} messages in the review list "
        f"({result.created} new), {reviewed} Czech portal texts reviewed by jana"
    )
