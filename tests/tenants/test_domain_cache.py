"""The host → client mapping kept in each process (tenants.domains): read once, forgotten at
once here when a domain or client changes, after its time everywhere, and never kept from
inside a transaction. The rows are committed (the cache keeps only those), and removed."""

from django.db import DatabaseError, connection, transaction
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from telephony.models import PhoneNumber
from telephony.selectors import phone_number_with_client
from tenants import domains
from tenants.middleware import ClientHostMiddleware
from tenants.models import Domain

HOST = "cache-test.localhost"


def _reads(host: str):
    """The client for host, and how many queries that took (django-tenants' ``SET
    search_path`` left out: a rollback before makes it send one again)."""
    with CaptureQueriesContext(connection) as queries:
        client = domains.client_of_host(host)
    return client, sum(not query["sql"].startswith("SET ") for query in queries)


def test_a_host_is_read_once_then_kept_and_each_caller_gets_its_own_copy(
    two_clients, django_db_blocker
):
    with django_db_blocker.unblock():
        domains.forget_all()
        domain = Domain.objects.create(domain=HOST, tenant=two_clients.a, is_primary=False)
        try:
            first, reads = _reads(HOST)
            assert (first.pk, reads) == (two_clients.a.pk, 1)
            first.name = "changed by one request"
            second, reads = _reads(HOST)
            assert (second.pk, second.name, reads) == (two_clients.a.pk, two_clients.a.name, 0)
        finally:
            domain.delete()


def test_a_domain_moved_or_removed_is_seen_at_once_in_this_process(two_clients, django_db_blocker):
    with django_db_blocker.unblock():
        domains.forget_all()
        domain = Domain.objects.create(domain=HOST, tenant=two_clients.a, is_primary=False)
        try:
            assert domains.client_of_host(HOST).pk == two_clients.a.pk
            domain.tenant = two_clients.b
            domain.save()
            assert domains.client_of_host(HOST).pk == two_clients.b.pk
        finally:
            domain.delete()
        assert domains.client_of_host(HOST) is None


def test_another_process_sees_a_change_after_the_time_to_live(
    two_clients, django_db_blocker, monkeypatch
):
    with django_db_blocker.unblock():
        domains.forget_all()
        domain = Domain.objects.create(domain=HOST, tenant=two_clients.a, is_primary=False)
        try:
            assert domains.client_of_host(HOST).pk == two_clients.a.pk
            # Changed by another process: no signal here.
            Domain.objects.filter(pk=domain.pk).update(tenant=two_clients.b)
            assert domains.client_of_host(HOST).pk == two_clients.a.pk
            now = domains.time.monotonic()
            monkeypatch.setattr(domains.time, "monotonic", lambda: now + domains.TTL_SECONDS + 0.1)
            assert domains.client_of_host(HOST).pk == two_clients.b.pk
        finally:
            domain.delete()


def test_a_row_read_inside_a_transaction_is_not_kept(two_clients, django_db_blocker):
    with django_db_blocker.unblock():
        domains.forget_all()
        with transaction.atomic():
            Domain.objects.create(domain=HOST, tenant=two_clients.a, is_primary=False)
            assert domains.client_of_host(HOST).pk == two_clients.a.pk
            transaction.set_rollback(True)
        assert _reads(HOST) == (None, 1)


def test_a_database_error_in_a_request_forgets_every_client_kept(two_clients, django_db_blocker):
    """A client deleted with its schema by another process: its requests fail once, then
    the host is read again (a 404), not a 500 on every request until the time is up."""
    with django_db_blocker.unblock():
        domains.forget_all()
        domain = Domain.objects.create(domain=HOST, tenant=two_clients.a, is_primary=False)
        try:
            domains.client_of_host(HOST)
            assert _reads(HOST)[1] == 0
            middleware = ClientHostMiddleware(lambda request: HttpResponse())
            request = RequestFactory().get("/", HTTP_HOST=HOST)
            middleware.process_exception(request, DatabaseError("relation does not exist"))
            assert _reads(HOST)[1] == 1
        finally:
            domain.delete()


def test_a_number_moved_or_removed_is_seen_at_once_in_this_process(two_clients, django_db_blocker):
    with django_db_blocker.unblock():
        domains.forget_all()
        number = PhoneNumber.objects.create(
            number="+420228889999", client=two_clients.a, country="CZ", default_language="cs"
        )
        try:
            assert phone_number_with_client(number.number).client.pk == two_clients.a.pk
            number.client = two_clients.b
            number.save()
            assert phone_number_with_client(number.number).client.pk == two_clients.b.pk
        finally:
            number.delete()
        assert phone_number_with_client(number.number) is None
