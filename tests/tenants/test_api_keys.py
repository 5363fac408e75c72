"""API keys: scopes enforced by the JSON API, revocation at once, the last use noted at most
once a minute, the command with scopes, and the audit records."""

import hashlib
import importlib
from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client as HttpClient
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from tenants.models import ApiKey
from tenants.services import api_key_find, api_key_issue, api_key_revoke
from tests.support.factories import UserFactory

pytestmark = pytest.mark.django_db

READ, WRITE = "conversations:read", "conversations:write"
MESSAGE = {"text": "Dobrý den, kde je moje zásilka?", "customer": {"email": "eva@example.cz"}}


def post_message(raw: str):
    return HttpClient(HTTP_HOST="localhost").post(
        "/api/v1/messages",
        MESSAGE,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )


def get_conversation(raw: str, conversation_id: int):
    return HttpClient(HTTP_HOST="localhost").get(
        f"/api/v1/conversations/{conversation_id}", HTTP_AUTHORIZATION=f"Bearer {raw}"
    )


def test_a_read_only_key_reads_but_cannot_write_and_is_told_which_scope(two_clients):
    _, writer = api_key_issue(client=two_clients.b, name="widget", scopes=[WRITE])
    _, reader = api_key_issue(client=two_clients.b, name="reports", scopes=[READ])
    created = post_message(writer)
    assert created.status_code == 201
    conversation_id = created.json()["id"]

    refused = post_message(reader)
    assert refused.status_code == 403
    # A problem detail (restapi) that keeps the members it had before.
    assert refused.json() == {
        "type": "/api/v1/docs#problem-missing-scope",
        "title": "The API key lacks the scope",
        "status": 403,
        "detail": "This API key lacks the scope conversations:write; issue one that has it.",
        "error": "This API key lacks the scope conversations:write; issue one that has it.",
        "scope": WRITE,
    }
    assert get_conversation(reader, conversation_id).status_code == 200
    assert get_conversation(writer, conversation_id).status_code == 403
    # The attachments' endpoint reads too.
    attachment = HttpClient(HTTP_HOST="localhost").get(
        f"/api/v1/conversations/{conversation_id}/attachments/1",
        HTTP_AUTHORIZATION=f"Bearer {writer}",
    )
    assert attachment.status_code == 403


def test_a_revoked_key_is_refused_at_once(two_clients):
    key, raw = api_key_issue(client=two_clients.b, name="shop")
    assert post_message(raw).status_code == 201
    assert api_key_revoke(client=two_clients.b, key_id=key.pk) is not None
    assert post_message(raw).status_code == 401
    assert ApiKey.objects.get(pk=key.pk).revoked_at is not None


def test_a_key_is_revoked_only_by_its_own_client(two_clients):
    key, raw = api_key_issue(client=two_clients.b, name="shop")
    assert api_key_revoke(client=two_clients.a, key_id=key.pk) is None
    assert ApiKey.objects.get(pk=key.pk).revoked_at is None
    assert post_message(raw).status_code == 201


def test_only_a_hash_of_the_key_is_stored(two_clients):
    key, raw = api_key_issue(client=two_clients.b, name="shop", scopes=[READ])
    stored = ApiKey.objects.get(pk=key.pk)
    assert raw not in str(stored.__dict__)
    assert stored.key_hash == hashlib.sha256(raw.encode()).hexdigest()


def test_the_last_use_is_written_at_most_once_a_minute(two_clients, django_assert_num_queries):
    key, raw = api_key_issue(client=two_clients.b, name="shop")
    now = timezone.now()
    assert api_key_find(raw, now=now) is not None
    assert ApiKey.objects.get(pk=key.pk).last_used_at == now

    # Within the minute: the key is read, nothing is written.
    with django_assert_num_queries(1):
        assert api_key_find(raw, now=now + timedelta(seconds=59)) is not None
    assert ApiKey.objects.get(pk=key.pk).last_used_at == now

    later = now + timedelta(seconds=61)
    with django_assert_num_queries(2):
        api_key_find(raw, now=later)
    assert ApiKey.objects.get(pk=key.pk).last_used_at == later


def test_the_api_notes_the_use_of_its_key(two_clients):
    key, raw = api_key_issue(client=two_clients.b, name="shop")
    assert ApiKey.objects.get(pk=key.pk).last_used_at is None
    post_message(raw)
    assert ApiKey.objects.get(pk=key.pk).last_used_at is not None


def test_a_key_needs_a_known_scope_and_a_name(two_clients):
    with pytest.raises(ValidationError, match="Unknown scope"):
        api_key_issue(client=two_clients.b, name="shop", scopes=["conversations:delete"])
    with pytest.raises(ValidationError, match="at least one scope"):
        api_key_issue(client=two_clients.b, name="shop", scopes=[])
    with pytest.raises(ValidationError, match="Name the key"):
        api_key_issue(client=two_clients.b, name="  ")


def test_issuing_and_revoking_are_audited(two_clients):
    key, _raw = api_key_issue(client=two_clients.b, name="widget", scopes=[WRITE])
    api_key_revoke(client=two_clients.b, key_id=key.pk)
    api_key_revoke(client=two_clients.b, key_id=key.pk)  # already revoked: no second record
    events = AuditEvent.objects.filter(object_type="api_key", object_id=str(key.pk))
    assert [(e.details["change"], e.client_id) for e in events.order_by("pk")] == [
        ("issued", two_clients.b.pk),
        ("revoked", two_clients.b.pk),
    ]
    assert events.first().details["scopes"] == [WRITE]


def test_the_command_issues_a_key_with_the_scopes_asked_for(two_clients, capsys):
    call_command("issue_api_key", "--client", "client-b", "--name", "reader", "--scope", READ)
    raw = capsys.readouterr().out.strip().splitlines()[-1]
    assert post_message(raw).status_code == 403
    assert ApiKey.objects.get(name="reader").scopes == [READ]
    with pytest.raises(CommandError):
        call_command("issue_api_key", "--client", "nobody", "--name", "x")


def test_keys_issued_before_scopes_keep_every_scope(two_clients):
    """The data step of migration 0006: an existing key opens what it opened before."""
    key, raw = api_key_issue(client=two_clients.b, name="old", scopes=[READ])
    migration = importlib.import_module(
        "tenants.migrations.0006_apikey_scopes_created_by_last_used"
    )
    migration.existing_keys_keep_every_scope(django_apps, None)
    assert ApiKey.objects.get(pk=key.pk).scopes == [READ, WRITE]
    assert post_message(raw).status_code == 201


def test_revoking_from_the_agency_admin_is_audited_like_the_portals(two_clients):
    """The admin's "Revoke the selected keys" goes through the same service: each key
    revoked, each revocation in its client's audit log with the admin who did it."""
    key_a, _ = api_key_issue(client=two_clients.a, name="shop a", scopes=[WRITE])
    key_b, _ = api_key_issue(client=two_clients.b, name="shop b", scopes=[WRITE])
    admin = UserFactory(role=User.Role.ADMIN, is_staff=True, is_superuser=True)
    http = HttpClient(HTTP_HOST="localhost")
    http.force_login(admin)
    response = http.post(
        "/admin/tenants/apikey/",
        {"action": "revoke", "_selected_action": [key_a.pk, key_b.pk]},
    )
    assert response.status_code == 302
    revoked = AuditEvent.objects.filter(object_type="api_key", details__change="revoked")
    assert sorted(revoked.values_list("client_id", "actor_id")) == sorted(
        [(two_clients.a.pk, admin.pk), (two_clients.b.pk, admin.pk)]
    )
    assert ApiKey.objects.filter(pk__in=[key_a.pk, key_b.pk], revoked_at=None).count() == 0
