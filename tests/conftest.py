"""Shared fixtures: two clients provisioned once per session in the real test database, and
the demo seeded once per session (its tests run last)."""

from dataclasses import dataclass
from io import StringIO

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import setup_databases, teardown_databases

from config.celery import app
from tenants.models import Client
from tenants.services import agency_ensure, client_provision

# Fixtures several directories use: the mailboxes, the voice set-up (numbers, menus, Twilio),
# a broker that is down, a portal user of client A and of client B.
pytest_plugins = [
    "tests.support.mail",
    "tests.support.voice",
    "tests.support.outbox",
    "tests.support.portal",
]


@dataclass(frozen=True)
class TwoClients:
    a: Client
    b: Client


@pytest.fixture(scope="session")
def django_db_setup(
    request, django_test_environment, django_db_blocker, django_db_modify_db_settings
):
    """Always create the test database.

    pytest-django creates it only when a collected test is marked for the database; the
    tests that commit on purpose (a real Celery worker, a browser) are not marked, and run
    alone they would otherwise write to the real database. `django_db_modify_db_settings`
    gives each xdist worker its own database (test_<name>_gw0, ...).
    """
    verbosity = request.config.option.verbose
    with django_db_blocker.unblock():
        databases = setup_databases(verbosity=verbosity, interactive=False)
    yield
    with django_db_blocker.unblock():
        teardown_databases(databases, verbosity=verbosity)


@pytest.fixture(scope="session")
def two_clients(django_db_setup, django_db_blocker) -> TwoClients:
    """Client A (Czech) and client B (Polish), committed: they outlive each test's rollback."""
    assert connection.settings_dict["NAME"].startswith("test_"), "not the test database"
    with django_db_blocker.unblock():
        agency_ensure()
        a = client_provision(
            slug="client-a",
            name="Client A Obuv",
            countries=["CZ", "SK"],
            languages=["cs", "sk"],
            time_zone="Europe/Prague",
            currency="CZK",
        ).client
        b = client_provision(
            slug="client-b",
            name="Client B Sklep",
            countries=["PL"],
            languages=["pl", "en"],
            time_zone="Europe/Warsaw",
            currency="PLN",
        ).client
        # Where each is billed (billing/vat.py needs it): A in the supplier's country, B a
        # Polish business not registered for VAT (both charged the supplier's VAT).
        Client.objects.filter(pk=a.pk).update(billing_country="CZ")
        Client.objects.filter(pk=b.pk).update(billing_country="PL", vat_registered=False)
        a.refresh_from_db()
        b.refresh_from_db()
    return TwoClients(a=a, b=b)


@dataclass(frozen=True)
class SeededDemo:
    output: str  # what the two runs of seed_demo printed


@pytest.fixture(scope="session")
def demo_seeded(two_clients, django_db_blocker) -> SeededDemo:
    """The demo, seeded twice (the second run proves it idempotent) and committed, once per
    session: seeding costs several seconds, and five modules check it.

    The tests that ask for it run at the end of the session (`pytest_collection_modifyitems`
    below), in one xdist group, so no other test sees the demo's clients. Each of them runs
    in its own rolled-back transaction (the django_db mark), so they do not see each other's
    writes either.
    """
    global _demo_seeded_here
    _demo_seeded_here = True
    out = StringIO()
    with django_db_blocker.unblock():
        with transaction.atomic():
            call_command("seed_demo", force=True, stdout=out)
            call_command("seed_demo", force=True, stdout=out)
            # Seeded inside a test's transaction, as these tests did before, nothing ran on
            # commit (the acknowledgements' and the outbox's tasks): the same demo here.
            connection.run_on_commit.clear()
        connection.set_schema_to_public()
    return SeededDemo(output=out.getvalue())


_demo_seeded_here = False  # in this process (one xdist worker, or the whole run)


def _uses_the_seeded_demo(item) -> bool:
    return "demo_seeded" in getattr(item, "fixturenames", ())


def _shares_a_module_fixture(item) -> bool:
    info = getattr(item, "_fixtureinfo", None)
    return info is not None and any(
        definition.scope == "module"
        for definitions in info.name2fixturedefs.values()
        for definition in definitions
    )


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(items):
    """The tests of the seeded demo together on one xdist worker (their group, read by xdist's
    --dist loadgroup), and last, after pytest-django's ordering: the committed demo clients
    must not show up in the other tests' counts. The tests of a module that share a
    module-scoped fixture together on one worker too, in their order."""
    for item in items:
        if _uses_the_seeded_demo(item):
            item.add_marker(pytest.mark.xdist_group("demo"))
        elif _shares_a_module_fixture(item):
            # The browser modules: their tests share a server and a browser, and each goes
            # on from where the one before left the page's user (written to run in order).
            item.add_marker(pytest.mark.xdist_group(item.module.__name__))
    result = yield
    items[:] = [item for item in items if not _uses_the_seeded_demo(item)] + [
        item for item in items if _uses_the_seeded_demo(item)
    ]
    return result


def pytest_runtest_setup(item):
    """Refuse, rather than fail strangely, a test that would see the committed demo."""
    if _demo_seeded_here and not _uses_the_seeded_demo(item):
        pytest.fail(
            "this test runs after the demo was seeded in this process: run the demo's tests "
            "last (plain pytest does; with xdist: --dist loadgroup --no-loadscope-reorder)",
            pytrace=False,
        )


@pytest.fixture(autouse=True)
def _public_schema_after_each_test():
    """A request to a client's domain leaves the connection in that schema (as in any
    request thread, where the next request resets it); tests start from public."""
    yield
    connection.set_schema_to_public()
    cache.clear()  # a rolled-back test must not leave cached rows behind


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing():
    """PBKDF2 costs ~0.3 s a password by design; tests need no protection against cracking."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session", autouse=True)
def _media_in_a_temporary_folder(tmp_path_factory):
    """Attachments go to a folder of this run, never the demo's var/media."""
    settings.MEDIA_ROOT = str(tmp_path_factory.mktemp("media"))


@pytest.fixture(scope="session", autouse=True)
def _no_outside_world():
    """Mail stays in memory and Celery tasks run in place, unless a test says otherwise
    (the real-worker smoke test, the SMTP tests)."""

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    settings.TWILIO_API_BASE_URL = "http://127.0.0.1:9"  # nothing listens: never Twilio itself
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False
