"""The contact history: the work queue rolled up per hour, and a previous system's CSV."""

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from routing.models import WorkItem
from staffing.models import ContactHour, PlanRun
from staffing.selectors import (
    pool_client_shares,
    pool_handle_seconds,
    pool_hourly_history,
    pool_patience_seconds,
    pool_zone,
)
from staffing.services import (
    HistoryRow,
    ImportRefused,
    contact_hours_roll,
    history_bulk_insert,
    history_import,
    plans_prune,
)
from staffing.tasks import contact_hours_roll_recent, plan_make_task

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 2, 9, tzinfo=UTC)  # a Monday, 09:00 UTC
_numbers = iter(range(1, 10**6))


def item(
    client,
    *,
    channel="call",
    kind="call",
    status="done",
    language="cs",
    waited=0,
    handled=None,
    at=T0,
    closed_after=None,
):
    """A work item that began to wait at ``at``; taken ``waited`` seconds later (when
    ``handled`` is given, done that many seconds after); else closed ``closed_after``."""
    assigned = at + timedelta(seconds=waited) if handled is not None else None
    if handled is not None:
        closed = assigned + timedelta(seconds=handled)
    else:
        closed = at + timedelta(seconds=closed_after) if closed_after is not None else None
    return WorkItem.objects.create(
        client=client,
        channel=channel,
        language=language,
        source_kind=kind,
        source_id=next(_numbers),
        status=status,
        waiting_since=at,
        assigned_at=assigned,
        closed_at=closed,
    )


def rows():
    return {
        (row.client_id, row.language, row.channel, row.hour): (
            row.contacts,
            row.handled,
            row.handle_seconds,
            row.abandoned,
            row.wait_seconds,
        )
        for row in ContactHour.objects.all()
    }


def test_the_roll_up_counts_each_definition_by_hand(two_clients):
    a = two_clients.a
    item(a, waited=30, handled=200)  # a call answered after 30 s, talked 200 s
    item(a, waited=10, handled=100, at=T0 + timedelta(minutes=59))
    item(a, status="cancelled", closed_after=45)  # hung up after 45 s: abandoned
    item(a, kind="voicemail", status="cancelled", closed_after=5)  # not a live call
    item(a, channel="chat", kind="conversation", status="waiting")  # still waiting: 600 s
    item(a, channel="email", kind="conversation", handled=3 * 86400, waited=60)  # clipped 2 h
    item(a, channel="sms", kind="conversation", handled=60)
    item(a, at=T0 + timedelta(hours=1), waited=5, handled=50)  # the next hour
    item(a, at=T0 - timedelta(hours=1), waited=5, handled=50)  # before the range

    written = contact_hours_roll(
        start=T0, end=T0 + timedelta(hours=2), now=T0 + timedelta(minutes=10)
    )

    assert written == 4
    assert rows() == {
        # 4 call items; 2 handled (300 s); 1 abandoned; waits 30 + 10 + 45 (the voicemail
        # is not live); 1 e-mail handled 7,200 s clipped + 1 SMS of 60 s.
        (a.pk, "cs", "call", T0): (4, 2, 300, 1, 85),
        (a.pk, "cs", "chat", T0): (1, 0, 0, 0, 600),
        (a.pk, "cs", "email", T0): (2, 2, 7260, 0, 0),
        (a.pk, "cs", "call", T0 + timedelta(hours=1)): (1, 1, 50, 0, 5),
    }


def test_the_roll_up_run_twice_gives_the_same_rows_and_follows_changes(two_clients):
    a = two_clients.a
    waiting = item(a, channel="chat", kind="conversation", status="waiting")
    item(a, waited=20, handled=100)
    end = T0 + timedelta(hours=1)
    contact_hours_roll(start=T0, end=end, now=end)
    first = rows()
    contact_hours_roll(start=T0, end=end, now=end)
    assert rows() == first
    # The chat is taken after 120 s and done 300 s later; its language corrected to Slovak.
    WorkItem.objects.filter(pk=waiting.pk).update(
        status="done",
        language="sk",
        assigned_at=T0 + timedelta(seconds=120),
        closed_at=T0 + timedelta(seconds=420),
    )
    contact_hours_roll(start=T0, end=end, now=end)
    assert rows() == {
        (a.pk, "cs", "call", T0): (1, 1, 100, 0, 20),
        (a.pk, "sk", "chat", T0): (1, 1, 300, 0, 120),
    }


def test_the_roll_up_leaves_imported_hours_alone(two_clients):
    a = two_clients.a
    ContactHour.objects.create(
        client=a, language="cs", channel="call", hour=T0, contacts=7, source="import"
    )
    item(a, waited=20, handled=100)
    contact_hours_roll(start=T0, end=T0 + timedelta(hours=1), now=T0 + timedelta(hours=1))
    assert rows()[(a.pk, "cs", "call", T0)] == (7, 0, 0, 0, 0)


HISTORY = (
    "hour,client,language,channel,contacts,handled,handle_seconds,abandoned,wait_seconds\n"
    "2025-01-06T09:00:00+01:00,client-a,cs,call,12,10,3000,2,400\n"
    "2025-01-06T09:00:00Z,client-b,pl,email,5,5,1500,,\n"
)


def test_a_history_file_is_stored_in_utc_hours(two_clients):
    result = history_import(data=HISTORY.encode())
    assert result.stored == 2
    hour = datetime(2025, 1, 6, 8, tzinfo=UTC)
    assert rows() == {
        (two_clients.a.pk, "cs", "call", hour): (12, 10, 3000, 2, 400),
        (two_clients.b.pk, "pl", "email", hour + timedelta(hours=1)): (5, 5, 1500, 0, 0),
    }
    assert ContactHour.objects.filter(source="import").count() == 2
    history_import(data=HISTORY.encode())  # again: replaced, not doubled
    assert ContactHour.objects.count() == 2


def test_a_history_file_with_a_bad_line_stores_nothing_and_names_it(two_clients):
    bad = HISTORY + "2025-01-06T10:00:00Z,client-a,cs,fax,3,,,,\n"
    with pytest.raises(ImportRefused, match="Line 4: channel 'fax'"):
        history_import(data=bad.encode())
    unknown = HISTORY + "2025-01-06T10:00:00Z,no-such-shop,cs,call,3,,,,\n"
    with pytest.raises(ImportRefused, match="Line 4: no client 'no-such-shop'"):
        history_import(data=unknown.encode())
    assert ContactHour.objects.count() == 0


def test_a_history_file_in_windows_1250_is_read_and_binary_is_refused(two_clients):
    # A header comment column is not allowed, so the charset shows in a client's slug error.
    text = "hour,client,language,channel,contacts\n2025-01-06T09:00:00Z,žluťoučký,cs,call,1\n"
    with pytest.raises(ImportRefused, match="Line 2: no client 'žluťoučký'"):
        history_import(data=text.encode("cp1250"))
    with pytest.raises(ImportRefused, match=r"not text|binary"):
        history_import(data=b"\x00\x01\x02\xff" * 50)


def test_history_inside_the_queues_own_hours_is_refused(two_clients):
    item(two_clients.a, waited=5, handled=5, at=datetime(2025, 1, 6, 8, 30, tzinfo=UTC))
    with pytest.raises(ImportRefused, match=r"Line 2: .*work queue's own history"):
        history_import(data=HISTORY.encode())


def test_the_command_imports_a_file_and_reports_a_refusal(two_clients, tmp_path):
    good = tmp_path / "history.csv"
    good.write_bytes(HISTORY.encode())
    call_command("staffing_history_import", str(good))
    assert ContactHour.objects.count() == 2
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"hour,client\n")
    with pytest.raises(CommandError, match="Nothing imported"):
        call_command("staffing_history_import", str(bad))


def test_pool_selectors_add_clients_and_fill_empty_hours(two_clients):
    a, b = two_clients.a, two_clients.b
    history_bulk_insert(
        rows=[
            HistoryRow(a.pk, "cs", "call", T0, 30, 30, 30 * 200, 10, 10 * 50),
            HistoryRow(b.pk, "cs", "call", T0, 30, 10, 10 * 400, 20, 20 * 50),
            HistoryRow(a.pk, "cs", "call", T0 + timedelta(hours=2), 5),
            HistoryRow(a.pk, "cs", "email", T0, 4, 4, 400),
        ]
    )
    start, end = T0, T0 + timedelta(hours=3)
    history = pool_hourly_history(start=start, end=end)
    np.testing.assert_array_equal(history[("cs", "call")], [60, 0, 5])
    np.testing.assert_array_equal(history[("cs", "email")], [4, 0, 0])
    shares = pool_client_shares(start=start, end=end)
    assert shares[("cs", "call")] == pytest.approx({a.pk: 35 / 65, b.pk: 30 / 65})
    # (6,000 + 4,000) / 40 handled; e-mail has only 4 handled: too few.
    assert pool_handle_seconds(start=start, end=end) == {
        ("cs", "call"): 250.0,
        ("cs", "email"): None,
    }
    # (500 + 1,000) s waited / 30 abandoned = 50 s; e-mail has no patience.
    assert pool_patience_seconds(start=start, end=end) == {("cs", "call"): 50.0}
    assert pool_zone(start=start, end=end)[("cs", "call")] == "Europe/Prague"


def test_the_nightly_task_rolls_the_last_three_days(two_clients):
    now = timezone.now()
    item(two_clients.a, waited=20, handled=100, at=now - timedelta(days=2))
    item(two_clients.a, waited=20, handled=100, at=now - timedelta(days=4))  # too old
    assert contact_hours_roll_recent() == 1
    assert ContactHour.objects.get().contacts == 1


def test_plans_whose_horizon_ended_over_400_days_ago_are_pruned(two_clients):
    now = datetime(2026, 12, 7, 3, tzinfo=UTC)

    def run(ended_days_ago: int, status=PlanRun.Status.DONE) -> PlanRun:
        start = now - timedelta(days=ended_days_ago + 28)
        return PlanRun.objects.create(
            started_at=start,
            status=status,
            horizon_start=start,
            horizon_hours=28 * 24,
            history_start=start - timedelta(days=730),
        )

    gone, failed_gone = run(401), run(500, PlanRun.Status.FAILED)
    kept = run(399)
    assert plans_prune(now=now) == 2
    assert list(PlanRun.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not PlanRun.objects.filter(pk__in=[gone.pk, failed_gone.pk]).exists()


def test_a_failed_roll_does_not_stop_the_plan(two_clients):
    """The history table refuses every write (a fault put in the database): the task
    still makes its plan from the history there is."""
    item(two_clients.a, at=timezone.now() - timedelta(hours=1), waited=5, handled=50)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'refused'; END $$;"
            "CREATE TRIGGER refuse BEFORE INSERT ON staffing_contacthour "
            "FOR EACH ROW EXECUTE FUNCTION refuse()"
        )
    run_id = plan_make_task()
    assert run_id is not None and PlanRun.objects.filter(pk=run_id).exists()
    assert ContactHour.objects.count() == 0
