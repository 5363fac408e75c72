"""GET /api/v1/calls, /calls/{id} and /surveys: per client, scoped, filtered, paged."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache

from surveys.models import Survey
from telephony.voice.models import Call
from tests.restapi.support import PROBLEM, get, key_of, key_without
from tests.support.desk import inbound
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 11, 23, 11, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _counters():
    cache.clear()  # the rate limit's windows


def call_of(client, n: int, **fields) -> Call:
    values = {
        "call_sid": f"CA{client.pk}x{n}",
        "from_number": "+420601000001",
        "to_number": "+420212345678",
        "country": "CZ",
        "language": "cs",
        "ringing_at": NOON + timedelta(minutes=n),
        "outcome": Call.Outcome.ANSWERED,
        **fields,
    }
    with in_schema(client):
        return Call.objects.create(**values)


@pytest.fixture
def calls(two_clients):
    answered = call_of(
        two_clients.a,
        1,
        queued_at=NOON + timedelta(minutes=1, seconds=20),
        menu_left_at=NOON + timedelta(minutes=1, seconds=15),
        answered_at=NOON + timedelta(minutes=1, seconds=50),
        talk_ended_at=NOON + timedelta(minutes=4),
        completed_at=NOON + timedelta(minutes=4, seconds=2),
        wait_seconds=30,
        talk_seconds=130,
        ivr_seconds=15,
        recording_url="https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1",
        csat=5,
    )
    voicemail = call_of(
        two_clients.a,
        2,
        outcome=Call.Outcome.VOICEMAIL,
        language="sk",
        from_number="+421901000002",
        voicemail_url="https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE2",
        voicemail_seconds=21,
    )
    abandoned = call_of(two_clients.a, 3, outcome=Call.Outcome.ABANDONED)
    other = call_of(two_clients.b, 4, from_number="+48601000004", language="pl")
    return {"a": [answered, voicemail, abandoned], "b": other}


def test_calls_are_listed_latest_first_and_paged(two_clients, calls):
    key = key_of(two_clients.a, "calls:read")
    first = get(key, "/api/v1/calls", limit=2)
    assert first.status_code == 200, first.content
    page = first.json()
    assert [c["id"] for c in page["data"]] == [calls["a"][2].pk, calls["a"][1].pk]
    rest = get(key, page["next"].removeprefix("http://localhost")).json()
    assert [c["id"] for c in rest["data"]] == [calls["a"][0].pk] and rest["next"] is None
    assert page["data"][1]["url"] == f"/api/v1/calls/{calls['a'][1].pk}"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"outcome": "voicemail"}, [1]),
        ({"language": "sk"}, [1]),
        ({"number": "+421901000002"}, [1]),
        ({"number": "+420212345678"}, [2, 1, 0]),
        ({"from": "2026-11-23T11:02:00Z"}, [2, 1]),
        ({"to": "2026-11-23T11:02:00Z"}, [0]),
        ({"from": "2026-11-23T12:01:00+01:00", "to": "2026-11-23T11:03:00"}, [1, 0]),
    ],
)
def test_calls_are_filtered(two_clients, calls, params, expected):
    found = get(key_of(two_clients.a), "/api/v1/calls", **params)
    assert found.status_code == 200, found.content
    assert [c["id"] for c in found.json()["data"]] == [calls["a"][n].pk for n in expected]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"outcome": "nope"}, "outcome"),
        ({"language": "xx"}, "language"),
        ({"from": "yesterday"}, "from"),
        ({"cursor": "WyJ4IiwgMV0"}, "cursor"),
        ({"limit": 10**9}, "limit"),
    ],
)
def test_a_bad_call_filter_is_a_400_naming_it(two_clients, params, field):
    response = get(key_of(two_clients.a), "/api/v1/calls", **params)
    assert response.status_code == 400 and response["Content-Type"] == PROBLEM
    assert [error["field"] for error in response.json()["errors"]] == [field]


def test_a_call_in_detail(two_clients, calls):
    answered, voicemail, _ = calls["a"]
    key = key_of(two_clients.a, "calls:read")
    body = get(key, f"/api/v1/calls/{answered.pk}").json()
    assert [step["step"] for step in body["timeline"]] == [
        "ringing",
        "menu_left",
        "queued",
        "answered",
        "talk_ended",
        "completed",
    ]
    assert body["timeline"][3]["at"] == "2026-11-23T11:01:50Z"
    assert (body["wait_seconds"], body["talk_seconds"], body["ivr_seconds"]) == (30, 130, 15)
    assert body["recording"] is True and body["voicemail"] is False and body["csat"] == 5
    assert "twilio" not in str(body)  # where the audio lives is not the shop's business
    left = get(key, f"/api/v1/calls/{voicemail.pk}").json()
    assert left["recording"] is False and left["voicemail"] is True
    assert left["voicemail_seconds"] == 21 and left["outcome"] == "voicemail"
    assert [step["step"] for step in left["timeline"]] == ["ringing"]


def test_another_clients_call_is_a_404_and_never_listed(two_clients, calls):
    key_b = key_of(two_clients.b)
    hidden = get(key_b, f"/api/v1/calls/{calls['a'][0].pk}")
    # The ids of two schemas may meet: B's own call answers, A's never does.
    if calls["b"].pk != calls["a"][0].pk:
        assert hidden.status_code == 404 and hidden["Content-Type"] == PROBLEM
    assert [c["from_number"] for c in get(key_b, "/api/v1/calls").json()["data"]] == [
        "+48601000004"
    ]
    assert get(key_b, "/api/v1/calls/999999").status_code == 404


@pytest.mark.parametrize(
    ("path", "scope"),
    [
        ("/api/v1/calls", "calls:read"),
        ("/api/v1/calls/1", "calls:read"),
        ("/api/v1/surveys", "surveys:read"),
    ],
)
def test_a_key_without_the_scope_is_refused(two_clients, path, scope):
    response = get(key_without(two_clients.a, scope), path)
    assert response.status_code == 403 and response.json()["scope"] == scope
    assert get(None, path).status_code == 401


@pytest.fixture
def surveys(two_clients):
    made = []
    for n, (client, rating) in enumerate(
        [(two_clients.a, 5), (two_clients.a, None), (two_clients.a, 2), (two_clients.b, 4)]
    ):
        conversation, _ = inbound(client, f"Dotaz číslo {n}", f"zakaznik{n}@example.cz")
        with in_schema(client):
            made.append(
                Survey.objects.create(
                    conversation=conversation,
                    channel="email",
                    language="cs",
                    state=Survey.State.SENT,
                    created_at=NOON + timedelta(hours=n),
                    rating=rating,
                    rated_at=rating and NOON + timedelta(days=1, hours=n),
                    answered_via="link" if rating else "",
                    nps=9 if rating == 5 else None,
                    comment="Rychlé a milé." if rating == 5 else "",
                )
            )
    return made


def test_surveys_are_listed_with_their_answers(two_clients, surveys):
    key = key_of(two_clients.a, "surveys:read")
    body = get(key, "/api/v1/surveys").json()
    assert [s["id"] for s in body["data"]] == [surveys[2].pk, surveys[1].pk, surveys[0].pk]
    happy = body["data"][2]
    assert (happy["rating"], happy["nps"], happy["comment"]) == (5, 9, "Rychlé a milé.")
    assert happy["conversation_id"] == surveys[0].conversation_id
    assert happy["answered_at"] == "2026-11-24T11:00:00Z" and happy["channel"] == "email"
    assert body["data"][1]["rating"] is None and body["data"][1]["answered_at"] is None
    answered = get(key, "/api/v1/surveys", answered="true").json()["data"]
    assert [s["id"] for s in answered] == [surveys[2].pk, surveys[0].pk]
    unanswered = get(key, "/api/v1/surveys", answered="false").json()["data"]
    assert [s["id"] for s in unanswered] == [surveys[1].pk]
    # Sent before, answered after: a poll for news finds the answer.
    since = get(key, "/api/v1/surveys", since="2026-11-24T10:30:00Z").json()["data"]
    assert [s["id"] for s in since] == [surveys[2].pk, surveys[0].pk]
    paged = get(key, "/api/v1/surveys", limit=2).json()
    rest = get(key, paged["next"].removeprefix("http://localhost")).json()
    assert [s["id"] for s in rest["data"]] == [surveys[0].pk] and rest["next"] is None
    other = get(key_of(two_clients.b), "/api/v1/surveys").json()["data"]
    assert [s["rating"] for s in other] == [4]


@pytest.mark.parametrize(
    ("params", "field"),
    [({"answered": "maybe"}, "answered"), ({"since": "x"}, "since"), ({"cursor": "%%"}, "cursor")],
)
def test_a_bad_survey_filter_is_a_400_naming_it(two_clients, params, field):
    response = get(key_of(two_clients.a), "/api/v1/surveys", **params)
    assert response.status_code == 400 and response["Content-Type"] == PROBLEM
    assert [error["field"] for error in response.json()["errors"]] == [field]
