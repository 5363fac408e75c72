"""A client's admin (its domain, /admin/): edits go to the client's audit log, and each
object's History page lists them, with the admin log's rows written before, by users deleted
since too."""

import re

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import Client as HttpClient
from django.utils import timezone

from accounts.models import User
from audit.admin import ClientAdminAudited
from audit.models import AuditEvent
from content.admin import content_admin_site
from content.models import CannedReply
from tests.support.factories import UserFactory
from tests.support.tenancy import host_of, in_schema

pytestmark = pytest.mark.django_db


def agency_admin(username: str) -> User:
    return UserFactory(
        username=username,
        first_name="Eva",
        last_name="Admin",
        role=User.Role.ADMIN,
        is_staff=True,
        is_superuser=True,
    )


def history_rows(http: HttpClient, reply: CannedReply) -> list[list[str]]:
    page = http.get(f"/admin/content/cannedreply/{reply.pk}/history/")
    assert page.status_code == 200
    body = page.content.decode()
    rows = re.findall(
        r"<tr>\s*<th scope=\"row\">(.*?)</th>\s*<td>(.*?)</td>\s*<td>(.*?)</td>", body, re.S
    )
    return [[who.strip(), what.strip()] for _, who, what in rows]


def test_every_model_of_a_clients_admin_records_to_the_audit_log():
    assert content_admin_site._registry
    for model, model_admin in content_admin_site._registry.items():
        assert isinstance(model_admin, ClientAdminAudited), model


def test_the_history_lists_the_edits_from_the_audit_log_also_after_the_user_is_deleted(
    two_clients,
):
    admin = agency_admin("eva-admin")
    http = HttpClient(HTTP_HOST=host_of(two_clients.a))
    http.force_login(admin)
    added = http.post(
        "/admin/content/cannedreply/add/",
        {"key": "history", "active": "on", "title_cs": "Dobrý den", "body_cs": "Text"},
    )
    assert added.status_code == 302
    with in_schema(two_clients.a):
        reply = CannedReply.objects.get(key="history")
    changed = http.post(
        f"/admin/content/cannedreply/{reply.pk}/change/",
        {"key": "history", "active": "on", "title_cs": "Dobrý den!", "body_cs": "Text"},
    )
    assert changed.status_code == 302
    saved_as_it_was = http.post(
        f"/admin/content/cannedreply/{reply.pk}/change/",
        {"key": "history", "active": "on", "title_cs": "Dobrý den!", "body_cs": "Text"},
    )
    assert saved_as_it_was.status_code == 302
    with in_schema(two_clients.a):
        assert not LogEntry.objects.exists()  # the audit log, not the schema's admin log

    rows = history_rows(http, reply)
    assert [who for who, _ in rows] == ["eva-admin (Eva Admin)"] * 3
    assert rows[0][1] == "Added."
    assert rows[1][1].startswith("Changed ") and "title" in rows[1][1].lower()
    assert rows[2][1] == "No fields changed."

    # The admin's "Recent actions": this client's audit log, the object linked.
    index = http.get("/admin/").content.decode()
    assert f'href="/admin/content/cannedreply/{reply.pk}/change/"' in index
    assert 'class="addlink"' in index and "Canned reply" in index
    elsewhere = HttpClient(HTTP_HOST=host_of(two_clients.b))
    elsewhere.force_login(admin)
    assert (
        f'href="/admin/content/cannedreply/{reply.pk}/change/"' not in elsewhere.get("/admin/").text
    )

    admin.delete()
    other = HttpClient(HTTP_HOST=host_of(two_clients.a))
    other.force_login(agency_admin("second-admin"))
    after = history_rows(other, reply)
    assert [who for who, _ in after] == ["eva-admin (deleted user)"] * 3
    assert [what for _, what in after] == [what for _, what in rows]


def test_the_admin_logs_rows_of_a_deleted_user_are_listed_and_another_clients_are_not(
    two_clients,
):
    gone = agency_admin("gone-admin")
    gone_id = gone.pk
    with in_schema(two_clients.a):
        reply = CannedReply.objects.create(key="old", title_cs="Starý", body_cs="Text")
        LogEntry.objects.create(
            action_time=timezone.now() - timezone.timedelta(days=400),
            user_id=gone_id,
            content_type=ContentType.objects.get_for_model(CannedReply),
            object_id=str(reply.pk),
            object_repr="old",
            action_flag=ADDITION,
            change_message='[{"added": {}}]',  # as Django writes it
        )
    gone.delete()  # nothing in a client's schema stops it, nor goes with it
    with in_schema(two_clients.b):
        twin = CannedReply.objects.create(pk=reply.pk, key="twin", title_pl="Bliźniak", body_pl="T")
    http = HttpClient(HTTP_HOST=host_of(two_clients.b))
    http.force_login(agency_admin("b-admin"))
    http.post(
        f"/admin/content/cannedreply/{twin.pk}/change/",
        {"key": "twin", "active": "on", "title_pl": "Bliźniak!", "body_pl": "T"},
    )
    assert AuditEvent.objects.filter(client=two_clients.b, object_id=str(twin.pk)).exists()

    http_a = HttpClient(HTTP_HOST=host_of(two_clients.a))
    http_a.force_login(agency_admin("a-admin"))
    assert history_rows(http_a, reply) == [[f"deleted user #{gone_id}", "Added."]]
