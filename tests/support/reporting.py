"""October 2026 at client A (Europe/Prague; Monday-Friday 08:00-16:00, Czech holidays):
a few contacts whose every KPI is worked out by hand in the tests.

Local times; summer time (UTC+2) ends on Sunday 25 October, 28 October is a Czech holiday.

| # | customer | channel | lang | category | arrived | first answer | calendar s | business s |
| 0 | c1 CZ | email | cs | returns | Thu 24 Sep 10:00 (September) | - | - | - |
| 1 | c1 CZ | email | cs | delivery | Thu 1 Oct 09:00 | 1 Oct 10:00 | 3600 | 3600 |
| 2 | c1 CZ | chat | cs | delivery | Mon 5 Oct 15:00 | Tue 6 Oct 09:00 | 64800 | 7200 |
| 3 | c2 SK | email | sk | returns | Sat 10 Oct 10:00 | Mon 12 Oct 08:30 | 167400 | 1800 |
| 4 | c3 CZ | sms | cs | (none) | Tue 27 Oct 15:00 | Thu 29 Oct 09:00 | 151200 | 7200 |
| 6 | c3 CZ | email | cs | (none) | Sat 31 Oct 23:30 | Mon 2 Nov 09:00 (November) | - | - |
| 7 | c2 SK | chat | sk | returns | Sun 1 Nov 00:30 (November) | - | - | - |

#1 and #2 are resolved, #2 reopened; #1 (7 days after #0), #2 and #6 are repeats.
"""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from conversations.models import Conversation
from customers.models import Customer
from hours.models import SlaEvent
from routing.models import WorkItem
from tests.support.tenancy import in_schema

PRAGUE = ZoneInfo("Europe/Prague")


def local(month: int, day: int, hour: int, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PRAGUE)


@dataclass
class Scenario:
    conversations: dict[int, Conversation]


def _conversation(customer, channel, language, category, created, answered=None, **extra):
    return Conversation.objects.create(
        customer=customer,
        channel=channel,
        language=language,
        category=category,
        created_at=created,
        first_response_at=answered,
        **extra,
    )


def october_at_client_a(client) -> Scenario:
    with in_schema(client):
        c1 = Customer.objects.create(name="Čeněk", email="c1@example.cz", country="CZ")
        c2 = Customer.objects.create(name="Ľuboš", email="c2@example.sk", country="SK")
        c3 = Customer.objects.create(name="Růžena", email="c3@example.cz", country="CZ")
        conv = {
            0: _conversation(c1, "email", "cs", "returns", local(9, 24, 10)),
            1: _conversation(
                c1,
                "email",
                "cs",
                "delivery",
                local(10, 1, 9),
                local(10, 1, 10),
                resolved_at=local(10, 1, 12),
                status="resolved",
            ),
            2: _conversation(
                c1,
                "chat",
                "cs",
                "delivery",
                local(10, 5, 15),
                local(10, 6, 9),
                resolved_at=local(10, 6, 12),
                reopened_at=local(10, 7, 9),
                reopen_count=1,
                status="open",
            ),
            3: _conversation(c2, "email", "sk", "returns", local(10, 10, 10), local(10, 12, 8, 30)),
            4: _conversation(c3, "sms", "cs", "", local(10, 27, 15), local(10, 29, 9)),
            6: _conversation(c3, "email", "cs", "", local(10, 31, 23, 30), local(11, 2, 9)),
            7: _conversation(c2, "chat", "sk", "returns", local(11, 1, 0, 30)),
        }

    def item(number, *, due, responded=None, status="done", breach=False):
        conversation = conv[number]
        work = WorkItem.objects.create(
            client=client,
            channel=conversation.channel,
            language=conversation.language,
            source_kind="conversation",
            source_id=conversation.pk,
            status=status,
            waiting_since=conversation.created_at,
            due_at=due,
            responded_at=responded,
        )
        if breach:
            SlaEvent.objects.create(
                client=client, item=work, kind="breach", due_at=due, recorded_at=due
            )

    item(1, due=local(10, 3, 9), responded=local(10, 1, 10))  # met
    item(2, due=local(10, 7, 12), responded=local(10, 8, 9))  # answered late
    item(3, due=local(10, 13, 9), breach=True)  # breach recorded by the sweep
    item(4, due=local(10, 30, 9), responded=local(10, 29, 9))  # met
    item(2, due=local(10, 20, 9), status="waiting")  # the follow-up, still open past due
    item(6, due=local(11, 3, 9), status="waiting")  # due in November: not October's
    return Scenario(conversations=conv)


CALLS_TABLE = """October 2026 calls at client A (local times; seconds after ringing):

| # | lang | country | topic | rang | queued | answered | talk | outcome | csat | nps |
| 1 | cs | CZ | orders | Thu 1 Oct 09:00 | +30 | +40 (10 s wait) | 300 | answered | 5 | 10 |
| 2 | cs | CZ | orders | Fri 2 Oct 10:00 | +20 | +40 (20 s: in time) | 600 | answered | 4 | 9 |
| 3 | sk | SK | returns | Mon 5 Oct 11:00 | +15 | +60 (45 s) | 120 | answered | 2 | 3 |
| 4 | sk | SK | returns | Tue 6 Oct 12:00 | +10 | - (hung up after 90 s) | - | abandoned | - | - |
| 5 | cs | CZ | returns | Sat 10 Oct 17:00 | - | - | - | voicemail (conversation) | - | - |
| 6 | cs | CZ | orders | Tue 20 Oct 14:00 | +5 | - (left at 120 s) | - | callback (conv.) | - | - |
| 7 | cs | CZ | | Wed 21 Oct 08:00 | - | - | - | ivr_hangup | - | - |
| 8 | cs | CZ | orders | Wed 30 Sep 23:30 (September) | +10 | +20 | 60 | answered | 1 | 0 |
| 9 | cs | CZ | orders | Sun 1 Nov 00:10 (Nov.; 31 Oct 23:10 UTC) | - | - | - | ivr_hangup | - | - |
"""


def october_calls_at_client_a(client) -> dict:
    """The calls of CALLS_TABLE (and the conversations of #5 and #6)."""
    from datetime import timedelta

    from telephony.voice.models import Call

    def call(
        number,
        lang,
        country,
        topic,
        rang,
        *,
        queued=None,
        answered=None,
        talk=None,
        outcome="ivr_hangup",
        csat=None,
        nps=None,
        conversation=None,
    ):
        def after(seconds):
            return None if seconds is None else rang + timedelta(seconds=seconds)

        return Call.objects.create(
            call_sid=f"CA{number:032d}",
            from_number=f"+42060000000{number}",
            to_number="+420212345678",
            language=lang,
            country=country,
            topic=topic,
            ringing_at=rang,
            queued_at=after(queued),
            answered_at=after(answered),
            completed_at=rang + timedelta(minutes=15),
            wait_seconds=None if queued is None else (answered or queued + 90) - queued,
            talk_seconds=talk,
            outcome=outcome,
            csat=csat,
            nps=nps,
            conversation=conversation,
        )

    with in_schema(client):
        caller = Customer.objects.create(name="Zdeněk", phone="+420600000005", country="CZ")
        voicemail = _conversation(caller, "call", "cs", "", local(10, 10, 17, 2))
        callback = _conversation(caller, "call", "cs", "", local(10, 20, 14, 2))
        return {
            1: call(
                1,
                "cs",
                "CZ",
                "orders",
                local(10, 1, 9),
                queued=30,
                answered=40,
                talk=300,
                outcome="answered",
                csat=5,
                nps=10,
            ),
            2: call(
                2,
                "cs",
                "CZ",
                "orders",
                local(10, 2, 10),
                queued=20,
                answered=40,
                talk=600,
                outcome="answered",
                csat=4,
                nps=9,
            ),
            3: call(
                3,
                "sk",
                "SK",
                "returns",
                local(10, 5, 11),
                queued=15,
                answered=60,
                talk=120,
                outcome="answered",
                csat=2,
                nps=3,
            ),
            4: call(4, "sk", "SK", "returns", local(10, 6, 12), queued=10, outcome="abandoned"),
            5: call(
                5,
                "cs",
                "CZ",
                "returns",
                local(10, 10, 17),
                outcome="voicemail",
                conversation=voicemail,
            ),
            6: call(
                6,
                "cs",
                "CZ",
                "orders",
                local(10, 20, 14),
                queued=5,
                outcome="callback",
                conversation=callback,
            ),
            7: call(7, "cs", "CZ", "", local(10, 21, 8)),
            8: call(
                8,
                "cs",
                "CZ",
                "orders",
                local(9, 30, 23, 30),
                queued=10,
                answered=20,
                talk=60,
                outcome="answered",
                csat=1,
                nps=0,
            ),
            9: call(9, "cs", "CZ", "orders", local(11, 1, 0, 10)),
        }
