"""Demo telephony: a number per client country, a realistic menu, a month of calls.

Run by demo.seed (one step); idempotent like the other steps.
"""

import random
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

import phonenumbers
from django.utils import timezone
from django_tenants.utils import schema_context

from accounts.models import User
from conversations.models import Conversation, Message
from customers.models import Customer
from demo.cast import DEMO_AGENTS, DEMO_CLIENTS
from languages.catalog import CATALOG
from telephony.models import AgentDevice, PhoneNumber
from telephony.voice.models import FALLBACK_KEY, Call, Menu, NumberMenu, Option, VoiceSettings
from tenants.models import Client

# Menu texts per language: (welcome, main menu, returns menu, refund information).
MENU_TEXTS: dict[str, tuple[str, str, str, str]] = {
    "cs": (
        "Dobrý den, vítá vás zákaznická linka {shop}.",
        "Objednávky a doručení, stiskněte 1. Vrácení a reklamace, stiskněte 2. Ostatní "
        "dotazy, stiskněte 3. Zpětné volání, stiskněte 5. Opakovat, stiskněte 9.",
        "Vrácení zboží, stiskněte 1. Stav vrácení peněz, stiskněte 2. Zpět, stiskněte hvězdičku.",
        "Peníze vracíme do čtrnácti dnů od převzetí vráceného zboží na váš původní způsob platby.",
    ),
    "sk": (
        "Dobrý deň, vitajte na zákazníckej linke {shop}.",
        "Objednávky a doručenie, stlačte 1. Vrátenie a reklamácie, stlačte 2. Ostatné "
        "otázky, stlačte 3. Spätné volanie, stlačte 5. Zopakovať, stlačte 9.",
        "Vrátenie tovaru, stlačte 1. Stav vrátenia peňazí, stlačte 2. Späť, stlačte hviezdičku.",
        "Peniaze vraciame do štrnástich dní od prevzatia vráteného tovaru na váš pôvodný "
        "spôsob platby.",
    ),
    "pl": (
        "Dzień dobry, tu infolinia {shop}.",
        "Zamówienia i dostawa, naciśnij 1. Zwroty i reklamacje, naciśnij 2. Inne sprawy, "
        "naciśnij 3. Prośba o oddzwonienie, naciśnij 5. Powtórzenie, naciśnij 9.",
        "Zwrot towaru, naciśnij 1. Status zwrotu pieniędzy, naciśnij 2. Powrót, naciśnij gwiazdkę.",
        "Pieniądze zwracamy w ciągu czternastu dni od otrzymania zwrotu, tą samą metodą płatności.",
    ),
    "de": (
        "Guten Tag, willkommen beim Kundenservice von {shop}.",
        "Bestellungen und Lieferung, drücken Sie die 1. Rücksendungen und Reklamationen, "
        "die 2. Andere Fragen, die 3. Rückruf, die 5. Wiederholen, die 9.",
        "Rücksendung, drücken Sie die 1. Stand der Erstattung, die 2. Zurück, die Sterntaste.",
        "Wir erstatten den Betrag innerhalb von vierzehn Tagen nach Eingang der Rücksendung "
        "auf Ihre ursprüngliche Zahlungsart.",
    ),
    "hu": (
        "{shop} ügyfélszolgálat, jó napot kívánunk!",
        "Rendelések és szállítás: 1-es gomb. Visszaküldés és reklamáció: 2-es gomb. Egyéb "
        "kérdések: 3-as gomb. Visszahívás: 5-ös gomb. Ismétlés: 9-es gomb.",
        "Termék visszaküldése: 1-es gomb. Visszatérítés állapota: 2-es gomb. Vissza: csillag gomb.",
        "A visszaküldött termék beérkezése után tizennégy napon belül visszatérítjük az "
        "összeget az eredeti fizetési módra.",
    ),
    "ro": (
        "Bună ziua, ați sunat la serviciul clienți {shop}.",
        "Comenzi și livrare, apăsați 1. Retururi și reclamații, apăsați 2. Alte întrebări, "
        "apăsați 3. Să vă sunăm înapoi, apăsați 5. Repetare, apăsați 9.",
        "Returnarea produsului, apăsați 1. Stadiul rambursării, apăsați 2. Înapoi, apăsați "
        "steluța.",
        "Rambursăm suma în paisprezece zile de la primirea returului, prin metoda inițială "
        "de plată.",
    ),
    "sl": (
        "Pozdravljeni, dobrodošli na liniji za pomoč strankam {shop}.",
        "Za naročila in dostavo pritisnite 1. Za vračila in reklamacije pritisnite 2. Za druga "
        "vprašanja pritisnite 3. Za povratni klic pritisnite 5. Za ponovitev pritisnite 9.",
        "Za vračilo izdelka pritisnite 1. Za stanje vračila denarja pritisnite 2. Za vrnitev "
        "pritisnite zvezdico.",
        "Denar vrnemo v štirinajstih dneh po prejemu vrnjenega izdelka, na vaš prvotni način "
        "plačila.",
    ),
    "hr": (
        "Dobar dan, dobro došli u korisničku podršku {shop}.",
        "Za narudžbe i dostavu pritisnite 1. Za povrate i reklamacije pritisnite 2. Za ostala "
        "pitanja pritisnite 3. Za povratni poziv pritisnite 5. Za ponavljanje pritisnite 9.",
        "Za povrat proizvoda pritisnite 1. Za stanje povrata novca pritisnite 2. Za povratak "
        "pritisnite zvjezdicu.",
        "Novac vraćamo u roku od četrnaest dana od primitka vraćenog proizvoda, na vaš izvorni "
        "način plaćanja.",
    ),
    "en": (
        "Hello, welcome to {shop} customer service.",
        "Orders and delivery, press 1. Returns and complaints, press 2. Anything else, press "
        "3. To be called back, press 5. To hear this again, press 9.",
        "To return a product, press 1. Refund status, press 2. Back, press star.",
        "We refund within fourteen days of receiving your return, to your original payment method.",
    ),
}

CALLS_PER_CLIENT = 80
# Outcome weights of a demo month: most answered, some abandoned, voicemail, callbacks.
OUTCOMES = [
    ("answered", 62),
    ("abandoned", 12),
    ("voicemail", 9),
    ("callback", 8),
    ("ivr_hangup", 5),
    ("information", 4),
]
TOPICS = ["orders", "orders", "returns", "other"]


def _texts(index: int, languages, shop: str) -> dict[str, str]:
    return {
        code: texts[index].format(shop=shop)
        for code, texts in MENU_TEXTS.items()
        if code in languages or code == "en"
    }


def menus_ensure(client, numbers: list[PhoneNumber]) -> None:
    """The client's menus (main, returns, and a language choice for a number whose
    country speaks more than one of the client's languages). Runs in its schema."""

    languages = set(client.languages)
    field = "prompt"
    main, _ = Menu.objects.update_or_create(
        key="main",
        defaults={
            "name": "Main menu",
            **{f"{field}_{c}": t for c, t in _texts(1, languages, "").items()},
        },
    )
    returns, _ = Menu.objects.update_or_create(
        key="returns",
        defaults={
            "name": "Returns",
            **{f"{field}_{c}": t for c, t in _texts(2, languages, "").items()},
        },
    )
    refund = {f"message_{c}": t for c, t in _texts(3, languages, "").items()}
    options: list[tuple[str, str, dict[str, object]]] = [
        ("1", "queue", {"topic": "orders"}),
        ("2", "submenu", {"target": returns}),
        ("3", "queue", {"topic": "other"}),
        ("5", "callback", {}),
        ("9", "repeat", {}),
        (FALLBACK_KEY, "queue", {"topic": "other"}),
    ]
    for key, action, extra in options:
        Option.objects.update_or_create(menu=main, key=key, defaults={"action": action, **extra})
    Option.objects.update_or_create(
        menu=returns, key="1", defaults={"action": "queue", "topic": "returns"}
    )
    Option.objects.update_or_create(
        menu=returns, key="2", defaults={"action": "info", "target": main, **refund}
    )
    Option.objects.update_or_create(menu=returns, key="*", defaults={"action": "back"})
    # The number of the client's first country offers all its languages but English
    # (Bohemia Shoes: Czech and Slovak; Carpați Crafts: Romanian and Hungarian; Alpska oprema:
    # Slovenian and Croatian).
    choices = [code for code in client.languages if code != "en"]
    for number in numbers:
        if len(choices) < 2 or number.country != client.countries[0]:
            continue
        # In English too: a language without a voice is spoken in its voice fallback, English
        # for Slovenian and Croatian (docs/telephony.md, "Voices").
        welcome = {
            f"prompt_{code}": MENU_TEXTS[code][0].format(shop=client.name)
            for code in (number.default_language, "en")
        }
        language_menu, _ = Menu.objects.update_or_create(
            key=f"language-{number.country.lower()}",
            defaults={
                "name": f"Language ({number.country})",
                "language_choice": True,
                "max_retries": 1,
                **welcome,
            },
        )
        for position, code in enumerate(choices, start=1):
            Option.objects.update_or_create(
                menu=language_menu,
                key=str(position),
                defaults={"action": "language", "language": code, "target": main},
            )
        NumberMenu.objects.update_or_create(number=number.number, defaults={"menu": language_menu})


def calls_seed(client, numbers: list[PhoneNumber], *, now) -> int:
    """A month of finished calls (runs in the client's schema); voicemails and callbacks
    are conversations already handled. Nothing when the month is there already."""

    if Call.objects.filter(call_sid__startswith="CAdemo").exists():
        return 0
    rng = random.Random(f"calls-{client.slug}")  # noqa: S311 - repeatable demo data
    # Its own sequence: the NPS answers leave every other figure of the demo as it was.
    nps_rng = random.Random(f"nps-{client.slug}")  # noqa: S311 - repeatable demo data
    # Who answered (the figures by team): its own sequence too.
    agent_rng = random.Random(f"call-agents-{client.slug}")  # noqa: S311 - demo data
    agents = list(User.objects.filter(served_clients=client, role=User.Role.AGENT))
    customers = list(Customer.objects.exclude(phone=""))
    outcomes = [name for name, weight in OUTCOMES for _ in range(weight)]
    for index in range(CALLS_PER_CLIENT):
        number = rng.choice(numbers)
        customer = rng.choice(customers) if customers else None
        language = (
            customer.language
            if customer and customer.language in client.languages
            else number.default_language
        )
        day = now - timedelta(days=rng.uniform(1, 31))
        ringing = day.replace(hour=rng.randint(7, 14), minute=rng.randint(0, 59))
        outcome = rng.choice(outcomes)
        ivr = rng.randint(8, 45)
        call = Call(
            call_sid=f"CAdemo{client.pk:04d}{index:05d}",
            from_number=customer.phone if customer else "+420601000000",
            to_number=number.number,
            country=number.country,
            language=language,
            topic=rng.choice(TOPICS),
            customer=customer,
            ringing_at=ringing,
            outcome=outcome,
            ivr_seconds=ivr,
            menu_left_at=ringing + timedelta(seconds=ivr),
            price=Decimal(rng.randint(80, 900)) / 10000,
            price_currency="USD",
        )
        end = call.menu_left_at
        assert end is not None  # set just above
        if outcome in ("answered", "abandoned"):
            call.queued_at = end
            call.wait_seconds = rng.randint(5, 240 if outcome == "answered" else 400)
            end = end + timedelta(seconds=call.wait_seconds)
            call.queue_left_at = end
        if outcome == "answered":
            call.answered_at = end
            if agents:
                call.agent = agent_rng.choice(agents)
            call.talk_seconds = rng.randint(60, 900)
            end = end + timedelta(seconds=call.talk_seconds)
            call.talk_ended_at = end
            call.csat = rng.choice([None, 3, 4, 4, 5, 5, 5])
            if call.csat is not None:  # the NPS question follows a CSAT answer
                call.nps = nps_rng.choice([None, 3, 6, 7, 8, 8, 9, 9, 10, 10, 10])
        if outcome == "voicemail":
            call.voicemail_seconds = rng.randint(10, 90)
            call.voicemail_url = f"https://api.twilio.com/demo/recordings/RE{index:05d}"
            end = end + timedelta(seconds=call.voicemail_seconds)
        call.completed_at = end + timedelta(seconds=rng.randint(1, 15))
        if outcome in ("voicemail", "callback") and customer:
            if outcome == "voicemail":
                text = (
                    f"Voicemail from {call.from_number} ({call.voicemail_seconds} s): "
                    f"{call.voicemail_url}"
                )
            else:
                text = f"Callback requested by {call.from_number} (topic: {call.topic})"
            conversation = Conversation.objects.create(
                customer=customer,
                channel="call",
                language=language,
                status="resolved",
                subject=f"{outcome.title()} {call.from_number}",
                created_at=call.completed_at,
                first_response_at=call.completed_at + timedelta(hours=rng.uniform(0.5, 6)),
                resolved_at=call.completed_at + timedelta(hours=rng.uniform(6, 30)),
            )
            Message.objects.create(
                conversation=conversation,
                direction="in",
                channel="call",
                body_text=text,
                created_at=call.completed_at,
                external_id=f"demo-{call.call_sid}",
            )
            call.conversation = conversation
        call.save()
    return CALLS_PER_CLIENT


def seed_telephony(log: Callable[[str], None]) -> None:
    """Numbers in each demo client's countries, its menus, a month of calls, and a
    browser phone (Twilio Client identity) for each demo agent."""

    for agent in User.objects.filter(username__in=[a[0] for a in DEMO_AGENTS]):
        AgentDevice.objects.get_or_create(
            agent=agent, defaults={"address": f"client:{agent.username}"}
        )
    now = timezone.now()
    for client in Client.objects.clients().filter(slug__in=[d.slug for d in DEMO_CLIENTS]):
        numbers = []
        for country in client.countries:
            spoken = [c for c in client.languages if c != "en"]
            local = next(
                (c for c in spoken if country in CATALOG[c].countries), client.default_language
            )
            example = phonenumbers.example_number(country)
            assert example is not None  # the library has one for every country
            number, _ = PhoneNumber.objects.get_or_create(
                number=phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164),
                defaults={"client": client, "country": country, "default_language": local},
            )
            numbers.append(number)
        with schema_context(client.schema_name):
            menus_ensure(client, numbers)
            # The demo shows the whole survey: CSAT, then the Net Promoter question.
            VoiceSettings.objects.update_or_create(pk=1, defaults={"survey_nps": True})
            made = calls_seed(client, numbers, now=now)
        log(
            f"telephony of {client.slug}: {', '.join(n.number for n in numbers)}; "
            f"{made} calls of the month"
        )
