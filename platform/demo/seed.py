"""Seeding of the demo: idempotent steps, run in order by ``manage.py seed_demo``."""

import random
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import phonenumbers
from babel.numbers import format_currency
from django.utils import timezone
from django_tenants.utils import schema_context

from accounts.models import User
from accounts.services import team_ensure, user_ensure
from accounts.two_factor import totp_device_with_key
from content.models import CannedReply, Category, FaqArticle, MessageTemplate, ReplySettings
from conversations.attachments import IncomingFile, attachment_store
from conversations.models import Conversation, Message
from conversations.services import conversation_customer_message, conversation_open_inbound
from core.months import month_start
from customers.models import Customer
from demo.audit import seed_audit
from demo.billing import seed_billing
from demo.cast import (
    DEMO_ADMIN_TOTP_KEY,
    DEMO_AGENTS,
    DEMO_CLIENTS,
    DEMO_PASSWORD,
    DEMO_TEAMS,
    LANGUAGE_COUNTRY,
    clients_since,
)
from demo.content_texts import (
    CANNED_REPLIES,
    CANNED_REPLY_CATEGORIES,
    CATEGORY_NAMES,
    FAQ_ARTICLES,
    MAIL_WITH_FILES,
    MESSAGE_TEMPLATES,
    ORDER_NUMBER_PATTERN,
    SIGNATURES,
)
from demo.files import parcel_photo_png, receipt_pdf
from demo.helpcenter import seed_help_center
from demo.mail_outcomes import seed_mail_outcomes
from demo.order_updates import seed_order_updates
from demo.reporting import seed_reports
from demo.retention import seed_retention
from demo.shops import seed_shops
from demo.staffing import seed_staffing
from demo.surveys import seed_surveys
from demo.telephony import seed_telephony
from demo.translation_reviews import seed_translation_reviews
from demo.webhooks import seed_webhooks
from demo.widget import seed_widget
from hours.models import SlaEvent, SlaTarget
from hours.selectors import client_calendar, sla_promise_for
from hours.services import resolution_clock_stop
from languages.evaluation import samples
from languages.services import agent_skills_set
from routing.models import WorkItem
from routing.services import work_item_settled, work_items_responded
from telephony.models import PhoneNumber
from tenants.models import Client, Domain, InboundAddress
from tenants.services import agency_ensure, client_billing_identity_set, client_provision

# The buyer on each demo client's invoices (made up; the VAT ids' check digits are right).
DEMO_BILLING_IDENTITIES: dict[str, dict[str, Any]] = {
    "bohemia-shoes": {
        "legal_name": "Bohemia Shoes s.r.o.",
        "billing_address": "Vinohradská 2165/48\n120 00 Praha 2",
        "billing_country": "CZ",
        "registration_id": "07341253",
        "vat_id": "CZ07341253",
        "billing_email": "fakturace@bohemia-shoes.example",
    },
    "wisla-sport": {
        "legal_name": "Wisła Sport sp. z o.o.",
        "billing_address": "ul. Floriańska 15\n31-019 Kraków",
        "billing_country": "PL",
        "registration_id": "KRS 0000812345",
        "vat_id": "PL6793014588",
        "billing_email": "faktury@wisla-sport.example",
    },
    "alpen-garten": {
        "legal_name": "Alpen Garten GmbH",
        "billing_address": "Maximilianstraße 12\n80539 München",
        "billing_country": "DE",
        "registration_id": "HRB 217345, Amtsgericht München",
        "vat_id": "DE294817367",
        "billing_email": "rechnungen@alpen-garten.example",
    },
    "duna-design": {
        "legal_name": "Duna Design Kft.",
        "billing_address": "Váci utca 18.\n1052 Budapest",
        "billing_country": "HU",
        "registration_id": "01-09-312345",
        "vat_id": "HU25743184",
        "billing_email": "szamla@duna-design.example",
    },
    "carpati-crafts": {
        "legal_name": "Carpați Crafts S.R.L.",
        "billing_address": "Strada Memorandumului 28\n400114 Cluj-Napoca",
        "billing_country": "RO",
        "registration_id": "J12/3456/2018",
        "vat_id": "RO38451270",
        "billing_email": "facturi@carpati-crafts.example",
    },
    # The shop is Slovenian; the contract is with its Swiss parent: outside the EU's VAT.
    "alpska-oprema": {
        "legal_name": "Alpska oprema Holding AG",
        "billing_address": "Bahnhofstrasse 21\n8001 Zürich",
        "billing_country": "CH",
        "registration_id": "CHE-116.281.704",
        "vat_id": "CHE116281704MWST",
        "billing_email": "racuni@alpska-oprema.example",
    },
}

# Each agent's interface language.
DEMO_UI_LANGUAGES = {"jana": "cs", "piotr": "pl", "lena": "de", "andrei": "ro", "mateja": "sl"}
# username: ({language: proficiency}, [clients served])
# Every client has two agents who share a language of it (Bohemia: cs and en, Wisła: en,
# Alpen: en, Duna and Carpați: hu, Alpska oprema: en, Mateja and Lena), so claiming,
# contention, assignment and "nothing in your languages" can all be tried; Andrei's basic
# German makes an Alpen item one a supervisor must confirm for him.
DEMO_SKILLS: dict[str, tuple[dict[str, str], list[str]]] = {
    "jana": (
        {"cs": "native", "sk": "fluent", "en": "fluent"},
        ["bohemia-shoes", "wisla-sport"],
    ),
    "piotr": ({"pl": "native", "en": "fluent", "cs": "fluent"}, ["wisla-sport", "bohemia-shoes"]),
    "lena": (
        {"de": "native", "hu": "native", "en": "fluent"},
        ["alpen-garten", "duna-design", "carpati-crafts", "alpska-oprema"],
    ),
    "andrei": (
        {"ro": "native", "hu": "fluent", "en": "fluent", "de": "basic"},
        ["carpati-crafts", "duna-design", "alpen-garten"],
    ),
    "mateja": ({"sl": "native", "hr": "fluent", "en": "fluent"}, ["alpska-oprema"]),
}
# Agents who serve every client (User.serves_every_client), present and future: Lena, who
# leads a team, so that a pool agent is seen on the desk. Her list stays as the demo's other
# rooms (phones, mail) read it; the router and the desk no longer do.
DEMO_EVERY_CLIENT_AGENTS = {"lena"}

_NAMES = {
    "cs": (
        ["Tomáš", "Petra", "Jiří", "Lucie", "Martin", "Eva"],
        ["Dvořák", "Černá", "Procházka", "Kučerová", "Veselý", "Růžičková"],
    ),
    "sk": (["Ján", "Zuzana", "Marek", "Katarína"], ["Horváth", "Kováčová", "Baláž", "Šimková"]),
    "pl": (
        ["Łukasz", "Agnieszka", "Michał", "Małgorzata", "Paweł"],
        ["Kowalski", "Wójcik", "Zieliński", "Szymańska", "Woźniak"],
    ),
    "de": (
        ["Jürgen", "Anna", "Lukas", "Sophie", "Matthias"],
        ["Müller", "Schäfer", "Weiß", "Groß", "Köhler"],
    ),
    "hu": (
        ["Bence", "Eszter", "Gábor", "Réka", "Zoltán"],
        ["Nagy", "Kovács", "Tóth", "Szabó", "Fekete"],
    ),
    "ro": (
        ["Andrei", "Ioana", "Mihai", "Elena", "Ștefan"],
        ["Popescu", "Ionescu", "Dumitrescu", "Stănescu", "Țurcanu"],
    ),
    "sl": (
        ["Luka", "Nina", "Matej", "Špela", "Žiga"],
        ["Novak", "Horvat", "Kranjc", "Zupančič", "Potočnik"],
    ),
    "hr": (
        ["Ivan", "Ana", "Luka", "Petra", "Marko"],
        ["Horvat", "Kovačević", "Babić", "Marić", "Jurić"],
    ),
    "en": (["James", "Emily", "Oliver", "Grace"], ["Smith", "Brown", "Taylor", "Walker"]),
}
# A mobile prefix per country, so that demo numbers look like the country's own.
_MOBILE_PREFIX = {
    "CZ": "+4207",
    "SK": "+4219",
    "PL": "+485",
    "DE": "+4915",
    "AT": "+4366",
    "HU": "+3630",
    "RO": "+407",
    "SI": "+38641",
    "HR": "+38591",
}
# How many digits follow the prefix (8 unless the country's mobile numbers are shorter).
_MOBILE_DIGITS = {"SI": 6, "HR": 7}


def _mobile_number(country: str, rng: random.Random) -> str:
    digits = _MOBILE_DIGITS.get(country, 8)
    return f"{_MOBILE_PREFIX[country]}{rng.randrange(10 ** (digits - 1), 10**digits - 1)}"


def seed_clients(log: Callable[[str], None]) -> None:
    agency = agency_ensure()
    # Clients since their history began, not since the seed ran: `issue_invoices` bills the
    # months in which a client existed, and none before.
    since = month_start(clients_since(timezone.now()), zone=UTC)
    # Locally the agency site also answers on the loopback address.
    Domain.objects.get_or_create(
        domain="127.0.0.1", defaults={"tenant": agency, "is_primary": False}
    )
    for demo in DEMO_CLIENTS:
        result = client_provision(
            slug=demo.slug,
            name=demo.name,
            countries=demo.countries,
            languages=demo.languages,
            time_zone=demo.time_zone,
            currency=demo.currency,
        )
        log(f"client {demo.slug}: {'created' if result.created else 'present'}")
        Client.objects.filter(pk=result.client.pk, created_at__gt=since).update(created_at=since)
        identity = DEMO_BILLING_IDENTITIES[demo.slug]
        # Before the demo's invoices are issued (they record it); one edited in the admin stays.
        if not any(getattr(result.client, field) for field in identity):
            client_billing_identity_set(client=result.client, **identity)
            log(f"billing identity of {demo.slug}: {identity['legal_name']}, {identity['vat_id']}")


def seed_users(log: Callable[[str], None]) -> None:
    admin = user_ensure(
        username="admin",
        password=DEMO_PASSWORD,
        role=User.Role.ADMIN,
        email="admin@polydesk.localhost",
        first_name="Agency",
        last_name="Admin",
    )
    # Agency admins must sign in with two factors: the demo's key is printed with the logins.
    totp_device_with_key(user=admin, key_hex=DEMO_ADMIN_TOTP_KEY)
    for username, first, last in DEMO_AGENTS:
        user_ensure(
            username=username,
            password=DEMO_PASSWORD,
            role=User.Role.AGENT,
            email=f"{username}@polydesk.localhost",
            first_name=first,
            last_name=last,
            language=DEMO_UI_LANGUAGES[username],
        )
    for client in Client.objects.clients().filter(slug__in=[d.slug for d in DEMO_CLIENTS]):
        user_ensure(
            username=f"{client.slug}-manager",
            password=DEMO_PASSWORD,
            role=User.Role.CLIENT,
            client=client,
            language=client.default_language,
            email=f"manager@{client.slug}.example",
            portal_role=User.PortalRole.MANAGER,  # sees the client's audit log
        )
    for name, lead, members in DEMO_TEAMS:
        agents = {user.username: user for user in User.objects.filter(username__in=members)}
        team_ensure(name=name, members=list(agents.values()), lead=agents[lead])
    log("users: admin, agents and one portal manager per client; teams")


def seed_agent_skills(log: Callable[[str], None]) -> None:
    for username, (skills, client_slugs) in DEMO_SKILLS.items():
        agent = User.objects.get(username=username)
        agent_skills_set(agent=agent, skills=skills)
        agent.served_clients.set(Client.objects.filter(slug__in=client_slugs))
        agent.serves_every_client = username in DEMO_EVERY_CLIENT_AGENTS
        agent.save(update_fields=["serves_every_client"])
        log(f"agent {username}: {', '.join(f'{c} ({p})' for c, p in skills.items())}")


def seed_customers(log: Callable[[str], None]) -> None:
    for client in Client.objects.clients().filter(slug__in=[d.slug for d in DEMO_CLIENTS]):
        rng = random.Random(client.slug)  # noqa: S311 - repeatable demo data, not secrets
        with schema_context(client.schema_name):
            if Customer.objects.exists():
                continue
            customers = []
            for number in range(1, 41):
                language = rng.choice(client.languages)
                first, last = _NAMES[language]
                name = f"{rng.choice(first)} {rng.choice(last)}"
                country = LANGUAGE_COUNTRY.get(language, client.countries[0])
                customers.append(
                    Customer(
                        name=name,
                        email=f"customer{number}@{client.slug}.example",
                        phone=_mobile_number(country, rng),
                        language=language,
                        country=country,
                        shop_reference=f"C-{number:05d}",
                    )
                )
            Customer.objects.bulk_create(customers)
        log(f"customers of {client.slug}: {len(customers)}")


def _translated_fields(texts: dict[str, tuple[str, str]], fields: tuple[str, str], languages):
    """{"title_cs": ..., "body_cs": ...} for the client's languages and English."""
    values = {}
    for code, pair in texts.items():
        if code in languages or code == "en":
            for field, text in zip(fields, pair, strict=True):
                values[f"{field}_{code}"] = text
    return values


def seed_content(log: Callable[[str], None]) -> None:
    """Canned replies, FAQ and message templates, some translations missing on purpose."""
    for client in Client.objects.clients().filter(slug__in=[d.slug for d in DEMO_CLIENTS]):
        languages = set(client.languages)
        with schema_context(client.schema_name):
            for key, texts in CANNED_REPLIES.items():
                CannedReply.objects.update_or_create(
                    key=key,
                    defaults={
                        "category": CANNED_REPLY_CATEGORIES[key],
                        **_translated_fields(texts, ("title", "body"), languages),
                    },
                )
            for position, (slug, texts) in enumerate(FAQ_ARTICLES.items(), start=1):
                FaqArticle.objects.update_or_create(
                    slug=slug,
                    defaults={
                        "position": position,
                        **_translated_fields(texts, ("question", "answer"), languages),
                    },
                )
            for kind, texts in MESSAGE_TEMPLATES.items():
                MessageTemplate.objects.update_or_create(
                    kind=kind, defaults=_translated_fields(texts, ("subject", "body"), languages)
                )
            ReplySettings.objects.update_or_create(
                singleton=True,
                defaults={
                    "order_number_pattern": ORDER_NUMBER_PATTERN,
                    **{
                        f"signature_{code}": text
                        for code, text in SIGNATURES.items()
                        if code in languages or code == "en"
                    },
                },
            )
            # Every interface language: a report can be asked for in any of them.
            for code, names in CATEGORY_NAMES.items():
                Category.objects.update_or_create(
                    code=code, defaults={f"name_{lang}": name for lang, name in names.items()}
                )
        log(
            f"content of {client.slug}: {len(CANNED_REPLIES)} canned replies, "
            f"{len(FAQ_ARTICLES)} FAQ, {len(MESSAGE_TEMPLATES)} templates, a signature, "
            f"{len(CATEGORY_NAMES)} category names"
        )


LIVE_CONVERSATIONS_PER_CLIENT = 8


# The demo clients' promises (business hours): an answer to an e-mail within a working day,
# to a chat within the hour; agents are warned before either. Set after the month of history
# (made under the agency's default promise), before the waiting work, which intake gives its
# due times from them.
DEMO_SLA_TARGETS = {
    "": {"first_response_hours": Decimal(8), "warn_before_hours": Decimal(2)},
    "chat": {"first_response_hours": Decimal(1), "warn_before_hours": Decimal("0.25")},
}
# Where each waiting conversation stands against its promise: its age in business hours as
# a fraction of the promise's. Past due; warned and due within the hour while open (at
# risk); half-way; fresh. The wall shows each kind on any day, a weekend too.
LIVE_PROMISE_POSITIONS = (1.25, 0.9, 0.5, 0.05)


def seed_sla_targets(log: Callable[[str], None]) -> None:
    """The demo clients' SLA promises (hours.SlaTarget, as a client's admin sets them)."""
    for client in Client.objects.clients().filter(slug__in=[d.slug for d in DEMO_CLIENTS]):
        for channel, promise in DEMO_SLA_TARGETS.items():
            SlaTarget.objects.update_or_create(client=client, channel=channel, defaults=promise)
    log(f"SLA targets: {len(DEMO_SLA_TARGETS)} per client")


def arrived_business_hours_ago(calendar, *, hours: float, now: datetime) -> datetime:
    """The moment ``hours`` business hours before ``now`` (to 5 minutes): what a contact
    that old arrived at, over closed nights and weekends as the promise counts them."""
    wanted, arrived = hours * 3600, now
    for _step in range(14 * 24 * 12):  # two weeks back at most (the calendar opens weekly)
        if calendar.business_seconds_between(arrived, now) >= wanted:
            break
        arrived -= timedelta(minutes=5)
    return arrived


def seed_live_conversations(log: Callable[[str], None]) -> None:
    """Waiting work for the demo agents: real-looking messages in each client's languages
    (taken from the detection evaluation set), queued through intake at ages that put their
    first-response promises past due, at risk, due soon and later (the supervisors' wall)."""

    by_language: dict[str, list] = {}
    for sample in samples():
        if sample.variant == "plain" and sample.channel in ("email", "chat"):
            by_language.setdefault(sample.language, []).append(sample)
    now = timezone.now()
    for client in Client.objects.clients().filter(slug__in=[d.slug for d in DEMO_CLIENTS]):
        rng = random.Random(f"live-{client.slug}")  # noqa: S311 - repeatable demo data
        with schema_context(client.schema_name):
            if Conversation.objects.filter(messages__external_id__startswith="demo-live-").exists():
                continue
            for number in range(LIVE_CONVERSATIONS_PER_CLIENT):
                language = client.languages[number % len(client.languages)]
                sample = rng.choice(by_language[language])
                channel = "email" if sample.channel == "email" else "chat"
                promise = sla_promise_for(client, channel).first_response_hours
                position = LIVE_PROMISE_POSITIONS[number % len(LIVE_PROMISE_POSITIONS)]
                arrived = arrived_business_hours_ago(
                    client_calendar(client, language=language),
                    hours=float(promise) * position,
                    now=now - timedelta(minutes=rng.randrange(0, 4)),
                )
                conversation_open_inbound(
                    client=client,
                    channel=channel,
                    text=sample.text,
                    customer_email=f"live{number}@{client.slug}.example",
                    external_id=f"demo-live-{number}",
                    now=min(arrived, now - timedelta(minutes=2)),
                )
        log(f"live conversations of {client.slug}: {LIVE_CONVERSATIONS_PER_CLIENT}")


# Waiting e-mails with a photo and a PDF receipt, in each client's first two languages.
MAIL_WITH_FILES_PER_CLIENT = 2
# What the receipt's item cost, in the client's currency (made up, roughly alike).
_RECEIPT_AMOUNTS = {"CZK": 1290, "PLN": 219, "EUR": 49, "HUF": 18990, "RON": 245}


def seed_mail_with_files(log: Callable[[str], None]) -> None:
    """E-mails whose customers sent a photo of a damaged parcel and the receipt as a PDF,
    waiting for the demo agents, so the desk and the portal show files out of the box."""

    now = timezone.now()
    for client in Client.objects.clients().filter(slug__in=[d.slug for d in DEMO_CLIENTS]):
        with schema_context(client.schema_name):
            if Message.objects.filter(external_id__startswith="demo-files-").exists():
                continue
            for number, language in enumerate(client.languages[:MAIL_WITH_FILES_PER_CLIENT]):
                subject, text, photo_name, pdf_name, title, item = MAIL_WITH_FILES[language]
                # The receipt's order number in the subject, as customers write it: the
                # canned replies' {order_number} is filled from it.
                order = re.search(ORDER_NUMBER_PATTERN, title)
                inbound = conversation_open_inbound(
                    client=client,
                    channel="email",
                    text=text,
                    subject=f"{subject} ({order[0]})" if order else subject,
                    customer_email=f"files{number}@{client.slug}.example",
                    external_id=f"demo-files-{number}",
                    now=now - timedelta(minutes=20 + number),
                )
                amount = Decimal(_RECEIPT_AMOUNTS.get(client.currency, 49)) * (number + 1)
                price = format_currency(amount, client.currency, locale=language)
                files = [
                    IncomingFile(photo_name, "image/png", parcel_photo_png(seed=number)),
                    IncomingFile(
                        pdf_name,
                        "application/pdf",
                        receipt_pdf(shop=client.name, order=title, lines=[(item, price)]),
                    ),
                ]
                for file in files:
                    attachment_store(message=inbound.message, file=file)
        log(f"e-mails with a photo and a PDF at {client.slug}: {MAIL_WITH_FILES_PER_CLIENT}")


HISTORY_CONVERSATIONS_PER_CLIENT = 60


def seed_channels(log: Callable[[str], None]) -> None:
    """A support address and a phone number per demo client (its first country)."""

    for client in Client.objects.clients().filter(slug__in=[d.slug for d in DEMO_CLIENTS]):
        country = client.countries[0]
        InboundAddress.objects.get_or_create(
            address=f"support@{client.slug}.example",
            defaults={"client": client, "country": country},
        )
        example = phonenumbers.example_number(country)
        assert example is not None  # the library has one for every country
        number = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164)
        PhoneNumber.objects.get_or_create(
            number=number,
            defaults={
                "client": client,
                "country": country,
                "default_language": client.default_language,
            },
        )
        log(f"channels of {client.slug}: support@{client.slug}.example, {number}")


def seed_history(log: Callable[[str], None]) -> None:
    """A month of handled conversations per client: channels, languages and hours mixed,
    some answered late (SLA breaches recorded), some reopened."""

    by_language: dict[str, list] = {}
    for sample in samples():
        if sample.variant == "plain":
            by_language.setdefault(sample.language, []).append(sample)
    agents: dict[int, list[User | None]] = {
        client_id: list(User.objects.filter(served_clients=client_id, role="agent"))
        for client_id in Client.objects.values_list("pk", flat=True)
    }
    now = timezone.now()
    for client in Client.objects.clients().filter(slug__in=[d.slug for d in DEMO_CLIENTS]):
        rng = random.Random(f"history-{client.slug}")  # noqa: S311 - repeatable demo data
        # Its own sequence: the reopenings' second round leaves the rest of the history as it was.
        again_rng = random.Random(f"history-again-{client.slug}")  # noqa: S311 - demo data
        with schema_context(client.schema_name):
            if Conversation.objects.filter(
                messages__external_id__startswith="demo-history-"
            ).exists():
                continue
            for number in range(HISTORY_CONVERSATIONS_PER_CLIENT):
                language = rng.choice(client.languages)
                sample = rng.choice(by_language[language])
                created = now - timedelta(days=rng.uniform(2, 31), hours=rng.uniform(0, 9))
                channel = rng.choice(["email", "email", "chat", "api", "sms"])
                inbound = conversation_open_inbound(
                    client=client,
                    channel=channel,
                    text=sample.text,
                    customer_email=f"history{number % 25}@{client.slug}.example",
                    external_id=f"demo-history-{number}",
                    now=created,
                )
                conversation = inbound.conversation
                # Late answers only where the due time has passed: the history is history.
                assert conversation.first_response_due_at is not None  # opened with its target
                late_answer = conversation.first_response_due_at + timedelta(hours=3)
                late = rng.random() < 0.12 and late_answer < now
                answered = late_answer if late else created + timedelta(minutes=rng.uniform(5, 600))
                resolved = min(
                    answered + timedelta(hours=rng.uniform(1, 48)),
                    now - timedelta(minutes=rng.uniform(1, 60)),
                )
                reopened = rng.random() < 0.08 and resolved + timedelta(days=1, hours=1) < now
                Conversation.objects.filter(pk=conversation.pk).update(
                    status="resolved",
                    first_response_at=answered,
                    resolved_at=resolved,
                    category=rng.choice(["delivery", "returns", "payment", "product"]),
                )
                resolution_clock_stop(client=client, conversation_id=conversation.pk, now=resolved)
                item = WorkItem.objects.get(
                    client=client,
                    source_kind="conversation",
                    source_id=conversation.pk,
                    status="waiting",
                )
                # The answer stops the item's first-response clock, as a sent reply does.
                work_items_responded(
                    client=client,
                    source_kind="conversation",
                    source_id=conversation.pk,
                    written_at=answered,
                    at=answered,
                )
                team = agents.get(client.pk) or [None]
                handler = rng.choice(team)
                work_item_settled(
                    item_id=item.pk, agent=handler, assigned_at=answered, closed_at=resolved
                )
                # The agent who answered (the figures by team count their work).
                Conversation.objects.filter(pk=conversation.pk).update(assignee=handler)
                if late:
                    assert item.due_at is not None  # late: past the due time
                    SlaEvent.objects.get_or_create(
                        item=item,
                        kind="breach",
                        due_at=item.due_at,
                        defaults={"client": client, "recorded_at": item.due_at},
                    )
                if reopened:
                    _history_written_again(
                        client=client,
                        conversation_id=conversation.pk,
                        number=number,
                        text=again_rng.choice(by_language[language]).text,
                        at=resolved + timedelta(days=1),
                        agent=again_rng.choice(team),
                        now=now,
                        rng=again_rng,
                    )
        log(f"history of {client.slug}: {HISTORY_CONVERSATIONS_PER_CLIENT} conversations")


def _history_written_again(
    *,
    client: Client,
    conversation_id: int,
    number: int,
    text: str,
    at: datetime,
    agent: User | None,
    now: datetime,
    rng: random.Random,
) -> None:
    """The customer wrote again a day after the resolution (a reopening, with its own work
    item and promise), and was answered and the matter resolved again within hours."""
    conversation_customer_message(
        client=client,
        conversation_id=conversation_id,
        text=text,
        external_id=f"demo-history-{number}-again",
        now=at,
    )
    answered = min(at + timedelta(hours=rng.uniform(0.5, 5)), now - timedelta(minutes=2))
    resolved = min(answered + timedelta(hours=rng.uniform(0.5, 24)), now - timedelta(minutes=1))
    item = WorkItem.objects.get(
        client=client, source_kind="conversation", source_id=conversation_id, status="waiting"
    )
    work_items_responded(
        client=client,
        source_kind="conversation",
        source_id=conversation_id,
        written_at=answered,
        at=answered,
    )
    work_item_settled(item_id=item.pk, agent=agent, assigned_at=answered, closed_at=resolved)
    Conversation.objects.filter(pk=conversation_id).update(
        status="resolved", resolved_at=resolved, assignee=agent
    )
    resolution_clock_stop(client=client, conversation_id=conversation_id, now=resolved)


SEED_STEPS: list[Callable[[Callable[[str], None]], None]] = [
    seed_clients,
    seed_users,
    seed_agent_skills,
    seed_customers,
    seed_content,
    seed_help_center,
    seed_channels,
    seed_telephony,
    seed_history,
    seed_sla_targets,
    seed_live_conversations,
    seed_mail_with_files,
    seed_mail_outcomes,
    seed_surveys,
    seed_billing,
    seed_reports,
    seed_audit,
    seed_retention,
    seed_shops,
    seed_order_updates,
    seed_translation_reviews,
    seed_widget,
    seed_staffing,
    # Last: the events of the seeding itself are not sent to the demo's receiver.
    seed_webhooks,
]
