"""Two provisioning runs for the same new slug at once: one creates, the other finds it."""

import threading

import pytest
from django.db import connection
from django_tenants.utils import schema_exists

from tenants.models import Client
from tenants.services import client_provision

pytestmark = pytest.mark.slow


def test_concurrent_provisioning_of_one_slug(two_clients, django_db_blocker):
    results, errors = [], []
    barrier = threading.Barrier(2)

    def provision() -> None:
        try:
            barrier.wait(timeout=10)
            results.append(
                client_provision(
                    slug="race-shop",
                    name="Race",
                    countries=["CZ"],
                    languages=["cs"],
                    time_zone="Europe/Prague",
                    currency="CZK",
                ).created
            )
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    with django_db_blocker.unblock():
        threads = [threading.Thread(target=provision) for _ in range(2)]
        try:
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
            assert errors == []
            assert sorted(results) == [False, True]
            assert Client.objects.filter(slug="race-shop").count() == 1
            assert schema_exists("client_race_shop")
        finally:
            client = Client.objects.filter(slug="race-shop").first()
            if client:
                client.domains.all().delete()
                with connection.cursor() as cursor:
                    cursor.execute('DROP SCHEMA IF EXISTS "client_race_shop" CASCADE')
                Client.objects.filter(pk=client.pk).delete()
