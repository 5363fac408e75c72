"""The demo's review list of the interface translations: every language's catalog is in it,
with a Czech speaker's reviews and one proposal; the agency admin sees the state."""

import pytest
from django.test import Client as HttpClient

from accounts.models import User
from languages.models import CatalogMessage

pytestmark = pytest.mark.django_db


def test_the_demo_shows_the_review_state_of_each_language(demo_seeded):
    languages = set(CatalogMessage.objects.values_list("language_id", flat=True))
    assert {"cs", "sk", "pl", "de", "hu", "ro"} <= languages and "en" not in languages
    reviewed = CatalogMessage.objects.filter(state=CatalogMessage.State.REVIEWED)
    assert reviewed.exists()
    assert set(reviewed.values_list("language_id", "reviewed_by__username")) == {("cs", "jana")}
    proposal = CatalogMessage.objects.get(state=CatalogMessage.State.CHANGE_PROPOSED)
    assert (proposal.language_id, proposal.source) == ("ro", "Sign out")
    assert "Czech portal texts reviewed by jana" in demo_seeded.output

    http = HttpClient(HTTP_HOST="localhost")
    http.force_login(User.objects.get(username="admin"))
    page = http.get("/admin/languages/catalogmessage/")
    assert page.status_code == 200
    assert "Review of the interface translations" in page.text
    assert "Reviewed by a speaker" in page.text
