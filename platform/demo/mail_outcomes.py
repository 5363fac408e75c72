"""Demo mail that shows what can become of a message, through the real paths: customers'
e-mails arrive by the intake (``intake.services.mail_receive``, as the MTA pipe hands them
over) and agents answer them (``conversations.services.conversation_reply``), so the
outbox sends them once the demo's worker runs. The demo's mail sink then takes one reply,
refuses one (``@bounce.invalid``: failed, with the server's reason and a Retry button) and
accepts one it answers later with a delivery report (``@gone.invalid``: bounced). One more
message is nested deeper than any mail reader follows: an unreadable message, with its
original to download."""

from collections.abc import Callable
from email.utils import formatdate

from django_tenants.utils import schema_context

from accounts.models import User
from conversations.models import Message
from conversations.services import conversation_reply
from demo.cast import DEMO_CLIENTS
from intake.services import mail_receive
from tenants.models import Client

# (customer's subject, customer's text, agent's answer) in the client's first language.
_TEXTS = {
    "cs": (
        "Změna adresy doručení",
        "Dobrý den, mohu ještě změnit adresu doručení?",
        "Dobrý den, adresu jsme změnili, balík půjde na novou adresu.",
    ),
    "pl": (
        "Zmiana adresu dostawy",
        "Dzień dobry, czy mogę jeszcze zmienić adres dostawy?",
        "Dzień dobry, zmieniliśmy adres, paczka pójdzie na nowy adres.",
    ),
    "de": (
        "Lieferadresse ändern",
        "Guten Tag, kann ich die Lieferadresse noch ändern?",
        "Guten Tag, wir haben die Adresse geändert, das Paket geht an die neue Adresse.",
    ),
    "hu": (
        "Szállítási cím módosítása",
        "Jó napot, módosíthatom még a szállítási címet?",
        "Jó napot, a címet módosítottuk, a csomag az új címre megy.",
    ),
    "ro": (
        "Schimbarea adresei de livrare",
        "Bună ziua, mai pot schimba adresa de livrare?",
        "Bună ziua, am schimbat adresa, coletul va merge la noua adresă.",
    ),
    "sl": (
        "Sprememba naslova za dostavo",
        "Pozdravljeni, ali lahko še spremenim naslov za dostavo?",
        "Pozdravljeni, naslov smo spremenili, paket bo poslan na novi naslov.",
    ),
}
# Who writes, and what becomes of the answer at the demo's mail sink.
_OUTCOMES = [("eva", "example.org"), ("tomas", "bounce.invalid"), ("karel", "gone.invalid")]
# Deeper than the standard parser follows: the message cannot be read, and is kept.
_NESTING = 1_000


def _mail(*, sender: str, to: str, subject: str, text: str, message_id: str) -> bytes:
    head = (
        f"From: {sender}\r\nTo: {to}\r\nSubject: {subject}\r\n"
        f"Date: {formatdate()}\r\nMessage-ID: <{message_id}>\r\nMIME-Version: 1.0\r\n"
    )
    return (head + "Content-Type: text/plain; charset=utf-8\r\n\r\n" + text + "\r\n").encode()


def _nested_forward(*, sender: str, to: str, message_id: str) -> bytes:
    inner = b"Subject: Fwd\r\nContent-Type: text/plain\r\n\r\nlost in forwarding\r\n"
    for _ in range(_NESTING):
        inner = b"Content-Type: message/rfc822\r\n\r\n" + inner
    head = (
        f"From: {sender}\r\nTo: {to}\r\nSubject: Fwd: Fwd: Fwd: order\r\n"
        "Date: Mon, 30 Nov 2026 09:12:00 +0100\r\n"
        f"Message-ID: <{message_id}>\r\nMIME-Version: 1.0\r\n"
    )
    # The same bytes on every run: a second seeding is a retried delivery, filed once.
    return head.encode() + inner


def seed_mail_outcomes(log: Callable[[str], None]) -> None:
    """Per demo client: three answered e-mails (sent, failed, bounced once the demo runs)
    and one unreadable message. Run again, it adds nothing (the Message-IDs are known)."""

    for client in Client.objects.clients().filter(slug__in=[d.slug for d in DEMO_CLIENTS]):
        language = client.languages[0]
        if language not in _TEXTS:
            continue
        subject, text, answer = _TEXTS[language]
        support = f"support@{client.slug}.example"
        agent = User.objects.filter(served_clients=client, role="agent").order_by("pk").first()
        for name, domain in _OUTCOMES:
            outcome = mail_receive(
                raw=_mail(
                    sender=f"{name}@{domain}",
                    to=support,
                    subject=subject,
                    text=text,
                    message_id=f"demo-outcome-{name}@{client.slug}.example",
                ),
                source="pipe",
            )
            if outcome.status != "filed" or agent is None:
                continue  # seeded before: its answer was written then
            assert outcome.filed is not None  # "filed" comes with its filing
            with schema_context(client.schema_name):
                conversation_reply(
                    client=client,
                    conversation_id=outcome.filed.conversation_id,
                    agent=agent,
                    text=answer,
                )
        mail_receive(
            raw=_nested_forward(
                sender="eva@example.org",
                to=support,
                message_id=f"demo-unreadable@{client.slug}.example",
            ),
            source="pipe",
        )
        with schema_context(client.schema_name):
            unreadable = Message.objects.exclude(unreadable_reason="").count()
        log(
            f"mail outcomes of {client.slug}: 3 answered e-mails, {unreadable} unreadable"
            " (on purpose: the warning above is that message's, filed with its original)"
        )
