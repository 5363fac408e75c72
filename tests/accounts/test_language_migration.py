"""accounts migration 0003: the old default "en" (nobody but an admin could change it) becomes
"" (follow the browser); languages chosen on purpose stay."""

import importlib

import pytest
from django.apps import apps

from accounts.models import User
from tests.support.factories import UserFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("accounts.migrations.0003_user_language_follows_browser")


def test_the_old_default_english_follows_the_browser_and_choices_stay():
    old_default, czech, unset = (UserFactory(language=code) for code in ("en", "cs", ""))

    migration.follow_the_browser(apps, None)

    languages = dict(User.objects.values_list("pk", "language"))
    assert languages[old_default.pk] == "" and languages[czech.pk] == "cs"
    assert languages[unset.pk] == ""
    migration.back_to_english(apps, None)
    assert User.objects.get(pk=unset.pk).language == "en"


def test_a_new_user_follows_the_browser():
    assert User.objects.create(username="fresh").language == ""
