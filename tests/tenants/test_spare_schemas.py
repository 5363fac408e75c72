"""Spare client schemas: cloned ahead of time, renamed to a new client's schema in its
provisioning transaction, never stale and never shared."""

import threading
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django_tenants.utils import schema_exists

from tenants import cloning
from tenants.models import Client, SpareSchema
from tenants.services import client_provision

pytestmark = pytest.mark.slow

PRAGUE = {"countries": ["CZ"], "languages": ["cs"], "time_zone": "Europe/Prague", "currency": "CZK"}
TEMPLATE = settings.TENANT_BASE_SCHEMA


def refill(keep: int) -> tuple[int, int]:
    return cloning.spares_refill(template=TEMPLATE, keep=keep)


def spare_names() -> set[str]:
    return set(SpareSchema.objects.values_list("schema_name", flat=True))


def migrations_of(schema: str) -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT app, name FROM "{schema}".django_migrations')  # noqa: S608
        return set(cursor.fetchall())


def tables_of(schema: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = %s", [schema]
        )
        return cursor.fetchone()[0]


def assert_complete(schema: str) -> None:
    assert tables_of(schema) == tables_of(TEMPLATE)
    assert migrations_of(schema) == migrations_of(TEMPLATE)


def provision_closing(slug: str, errors: list[BaseException]) -> None:
    """client_provision in a thread of its own: its connection closed at the end."""
    try:
        client_provision(slug=slug, name=slug, **PRAGUE)
    except BaseException as error:
        errors.append(error)
    finally:
        connection.close()


def forget(*slugs: str) -> None:
    """Clients, their schemas and every spare: committed state the next test must not see."""
    with connection.cursor() as cursor:
        for client in Client.objects.filter(slug__in=slugs):
            client.domains.all().delete()
            cursor.execute(f'DROP SCHEMA IF EXISTS "{client.schema_name}" CASCADE')
            client.delete()
        for name in spare_names():
            cursor.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
    SpareSchema.objects.all().delete()


@pytest.fixture
def pool(two_clients, django_db_blocker, settings):
    # Provisioning's refill runs in place (Celery is eager in tests): one spare kept.
    settings.TENANT_SPARE_SCHEMAS = 1
    with django_db_blocker.unblock():
        forget()
        yield
        forget("spare-used", "spare-one", "spare-two", "spare-stale", "spare-rolled-back")


def test_a_spare_is_renamed_to_the_client_schema_and_refilled(pool):
    assert refill(1) == (0, 1)
    (spare,) = spare_names()
    assert_complete(spare)

    client = client_provision(slug="spare-used", name="Used", **PRAGUE).client

    assert not schema_exists(spare)
    assert_complete(client.schema_name)
    # The commit asked for another spare (run in place here): the pool is full again.
    (refilled,) = spare_names()
    assert refilled != spare
    assert schema_exists(refilled)


def test_two_parallel_provisionings_take_two_spares(pool):
    assert refill(2) == (0, 2)
    spares = spare_names()
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def provision(slug: str) -> None:
        try:
            barrier.wait(timeout=10)
            client_provision(slug=slug, name=slug, **PRAGUE)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=provision, args=(s,)) for s in ("spare-one", "spare-two")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    # SKIP LOCKED: the second did not wait for the first's spare, it took the other one.
    assert not any(schema_exists(name) for name in spares)
    assert not spares & spare_names()
    for slug in ("spare-one", "spare-two"):
        assert_complete(Client.objects.get(slug=slug).schema_name)


def test_a_spare_being_taken_is_skipped_not_waited_for(pool):
    """One provisioning holds a spare in its open transaction: another takes the next spare
    at once instead of waiting on the first's lock (and cloning after it)."""
    assert refill(2) == (0, 2)
    first, second = sorted(SpareSchema.objects.values_list("schema_name", flat=True))
    taken, release, errors = threading.Event(), threading.Event(), []

    def hold() -> None:
        try:
            with transaction.atomic():
                assert cloning.spare_take(template=TEMPLATE, schema_name="client_spare_held")
                taken.set()
                release.wait(timeout=60)
                transaction.set_rollback(True)
        except BaseException as error:
            errors.append(error)
        finally:
            taken.set()
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert taken.wait(timeout=30)
        provisioning = threading.Thread(target=provision_closing, args=("spare-one", errors))
        provisioning.start()
        provisioning.join(timeout=30)
        assert not provisioning.is_alive(), "the provisioning waited for the held spare"
        schema = Client.objects.get(slug="spare-one").schema_name
        assert_complete(schema)
        # The provisioning renamed the spare the holder did not hold; the held one is there.
        (held,) = [name for name in (first, second) if schema_exists(name)]
    finally:
        release.set()
        holder.join(timeout=30)
    assert errors == []
    # The holder rolled back: its spare is there again, whole.
    assert spare_names() == {held}
    assert_complete(held)


def test_a_spare_of_an_older_template_is_not_used_and_the_refill_drops_it(pool):
    assert refill(1) == (0, 1)
    (stale,) = spare_names()
    try:
        with connection.cursor() as cursor:  # a deploy recorded one more migration
            cursor.execute(
                f'INSERT INTO "{TEMPLATE}".django_migrations (app, name, applied) '  # noqa: S608
                "VALUES ('customers', '9999_deployed_later', now())"
            )

        client = client_provision(slug="spare-stale", name="Stale", **PRAGUE).client

        assert spare_names() == {stale}
        assert schema_exists(stale)
        assert ("customers", "9999_deployed_later") in migrations_of(client.schema_name)

        dropped, made = refill(1)

        assert (dropped, made) == (1, 1)
        assert not schema_exists(stale)
        (fresh,) = spare_names()
        assert ("customers", "9999_deployed_later") in migrations_of(fresh)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(
                f'DELETE FROM "{TEMPLATE}".django_migrations '  # noqa: S608
                "WHERE name = '9999_deployed_later'"
            )


def test_a_rolled_back_provisioning_gives_the_spare_back(pool):
    assert refill(1) == (0, 1)
    (spare,) = spare_names()

    with pytest.raises(RuntimeError, match="after the provisioning"), transaction.atomic():
        client_provision(slug="spare-rolled-back", name="Rolled back", **PRAGUE)
        assert not schema_exists(spare)
        raise RuntimeError("something after the provisioning failed")

    assert not Client.objects.filter(slug="spare-rolled-back").exists()
    assert not schema_exists("client_spare_rolled_back")
    assert spare_names() == {spare}
    assert_complete(spare)


def test_a_deploy_drops_the_spares_cloned_before_it_and_refills_the_pool(pool):
    assert refill(1) == (0, 1)
    (stale,) = spare_names()
    # Cloned before the deploy migrated the template: its key is the template's old one.
    SpareSchema.objects.update(key="before-the-deploy")
    out = StringIO()

    call_command("migrate_platform", verbosity=0, stdout=out)

    assert not schema_exists(stale)
    (fresh,) = spare_names()  # the refill, sent at the deploy's end (Celery eager here)
    assert fresh != stale
    assert SpareSchema.objects.get().key == cloning.template_key(TEMPLATE)
    assert_complete(fresh)
    assert "1 stale dropped, refill sent" in out.getvalue()
