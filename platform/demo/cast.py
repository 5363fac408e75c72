"""Who the demo is about: its clients, its agents, and when its history begins. The seed
(``demo.seed``) and its steps in the other modules read them from here."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from core.months import month_of, months_back

# The country of each of the demo's languages: its customers' phone numbers and the public
# holidays they keep (else the client's first country).
LANGUAGE_COUNTRY = {
    "cs": "CZ",
    "sk": "SK",
    "pl": "PL",
    "de": "DE",
    "hu": "HU",
    "ro": "RO",
    "sl": "SI",
    "hr": "HR",
}

DEMO_PASSWORD = "polydesk-demo"  # noqa: S105 - printed on purpose: demo logins only
# The demo admin's authenticator key (hex; printed as base32 with an otpauth:// URI by
# seed_demo): published on purpose, so anyone can sign in to the demo with a code.
DEMO_ADMIN_TOTP_KEY = b"polydesk-demo-admin!".hex()


@dataclass(frozen=True)
class DemoClient:
    slug: str
    name: str
    countries: list[str]
    languages: list[str]
    time_zone: str
    currency: str


DEMO_CLIENTS = [
    DemoClient(
        "bohemia-shoes", "Bohemia Shoes", ["CZ", "SK"], ["cs", "sk", "en"], "Europe/Prague", "CZK"
    ),
    DemoClient("wisla-sport", "Wisła Sport", ["PL"], ["pl", "en"], "Europe/Warsaw", "PLN"),
    DemoClient("alpen-garten", "Alpen Garten", ["DE", "AT"], ["de", "en"], "Europe/Berlin", "EUR"),
    DemoClient("duna-design", "Duna Design", ["HU"], ["hu", "en"], "Europe/Budapest", "HUF"),
    DemoClient(
        "carpati-crafts", "Carpați Crafts", ["RO"], ["ro", "hu", "en"], "Europe/Bucharest", "RON"
    ),
    # Outdoor gear from Ljubljana for Slovenia and Croatia: languages Twilio has no voice for
    # (its IVR speaks English to their callers, docs/telephony.md "Voices").
    DemoClient(
        "alpska-oprema",
        "Alpska oprema",
        ["SI", "HR"],
        ["sl", "hr", "en"],
        "Europe/Ljubljana",
        "EUR",
    ),
]

# (username, first name, last name)
DEMO_AGENTS = [
    ("jana", "Jana", "Nováková"),
    ("piotr", "Piotr", "Wiśniewski"),
    ("lena", "Lena", "Horváth"),
    ("andrei", "Andrei", "Mureșan"),
    ("mateja", "Mateja", "Kovačič"),
]

# The agency's teams: (name, lead, members). Andrei is in none, so the figures by team show
# the "No team" row too.
DEMO_TEAMS = [
    ("Visegrád", "jana", ["jana", "piotr"]),
    ("Danube", "lena", ["lena"]),
    ("Adriatic", "mateja", ["mateja"]),
]

# How far back the seeded history reaches (calls up to 31 days, conversations 31 days and
# 9 hours: demo.telephony.calls_seed and demo.seed.seed_history).
HISTORY_REACH = timedelta(days=32)


def history_start(now: datetime) -> date:
    """The month of the seeded history's first day."""
    return month_of(now - HISTORY_REACH, zone=UTC)


# The demo clients are clients (with a price plan) this many months before the seeded
# history, so that the demo has invoices of months past (base fees) to show paid, open and
# overdue.
CLIENTS_BEFORE_HISTORY_MONTHS = 3


def clients_since(now: datetime) -> date:
    """The month the demo clients became clients: their first plan's and invoice's."""
    return months_back(history_start(now), CLIENTS_BEFORE_HISTORY_MONTHS)
