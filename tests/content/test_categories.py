"""Category and topic codes named in each language, along the fallback chain."""

import pytest

from content.models import Category
from content.selectors import category_names
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.django_db


def test_each_code_is_named_in_the_language_asked_or_its_fallback(two_clients):
    with in_schema(two_clients.a):
        Category.objects.create(code="delivery", name_cs="Doručení", name_en="Delivery")
        Category.objects.create(code="orders", name_en="Orders")
        Category.objects.create(code="unnamed")
        czech = category_names(language="cs")
        slovak = category_names(language="sk")  # sk -> cs -> en
        polish = category_names(language="pl")  # pl -> en
    assert czech == {"delivery": "Doručení", "orders": "Orders"}
    assert slovak == {"delivery": "Doručení", "orders": "Orders"}
    assert polish == {"delivery": "Delivery", "orders": "Orders"}


def test_another_clients_names_are_not_read(two_clients):
    with in_schema(two_clients.a):
        Category.objects.create(code="delivery", name_pl="Dostawa")
    with in_schema(two_clients.b):
        assert category_names(language="pl") == {}
