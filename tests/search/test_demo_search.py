"""The demo's seeding writes through the index's triggers: its Czech customers are found
without accents from the desk, by the demo's agents who serve their client."""

import pytest

from accounts.models import User
from tests.support.desk import signed_in

pytestmark = pytest.mark.django_db


def test_the_demo_is_searchable_without_accents(demo_seeded):
    jana = User.objects.get(username="jana")  # serves Bohemia Shoes (cs, sk)
    page = signed_in(jana).get("/desk/search", {"q": "dvorak"}).text
    assert "Bohemia Shoes" in page and "<mark>Dvořák</mark>" in page
    assert 'class="search-hit"' in page
