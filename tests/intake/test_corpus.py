"""Every message of the corpus of odd real-world mail (tests/data/mail) is kept and filed:
never an exception, never a refusal for its shape, nothing stored that PostgreSQL refuses."""

import base64
import random

import pytest

from conversations.email_in import NO_TEXT
from conversations.models import Conversation, Message
from intake.models import InboundReceipt
from intake.services import mail_receive
from routing.models import WorkItem
from tests.support.mail import CORPUS, corpus
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.django_db
ALL = sorted(path.name for path in CORPUS.glob("*.eml"))


def filed_message(client, outcome) -> Message:
    with in_schema(client):
        return Message.objects.select_related("conversation__customer").get(
            pk=outcome.filed.message_pk
        )


@pytest.mark.parametrize("name", ALL)
def test_every_odd_message_is_filed_with_its_original(mailboxes, name):
    raw = corpus(name)
    outcome = mail_receive(raw=raw, source="pipe")
    assert outcome.status == "filed", outcome.reason
    message = filed_message(mailboxes.a if b"pomoc@sklep" not in raw else mailboxes.b, outcome)
    assert bytes(message.raw) == raw
    assert message.body_text.strip() and "\x00" not in message.body_text
    assert "\x00" not in message.conversation.subject
    receipt = InboundReceipt.objects.get(pk=outcome.receipt_id)
    # Filed in the client's schema: the public receipt gives the customer's mail up.
    assert (receipt.state, receipt.raw, receipt.size) == ("filed", None, len(raw))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("html_only_paragraphs.eml", "Mit freundlichen Grüßen\n\nHans Müller"),
        ("html_only_paragraphs.eml", "  * Bestellnummer 4411\n  * Lieferadresse Hauptstraße 5"),
        ("utf8_labelled_us_ascii.eml", "Děkuji, Jiří Dvořák"),
        ("utf8_unlabelled.eml", "Růžena Čermáková"),
        ("unknown_8bit.eml", "Šárka Žáková"),
        ("cp1250_labelled_iso8859_2.eml", "podrážka je sťatá. Šárka Žáková, Třešť"),
        ("iso8859_2_polish_unlabelled.eml", "Dzień dobry, zamówienie jeszcze nie dotarło"),
        ("iso8859_2_polish_unlabelled.eml", "Zofia Łęcka"),
        ("nul_in_subject_and_name.eml", "Dobrý den, boty jsou poškozené."),
        ("forward_empty_body.eml", "Vaše objednávka 5521 byla odeslána."),
        ("malformed_boundary.eml", "tahle zpráva má špatné hranice částí"),
        ("blank_line_body.eml", "Faktura"),  # the subject stands for an empty body
        ("spaces_only_body.eml", NO_TEXT),
    ],
)
def test_text_is_read_in_its_real_charset_and_shape(mailboxes, name, expected):
    raw = corpus(name)
    outcome = mail_receive(raw=raw, source="http")
    client = mailboxes.b if b"pomoc@sklep" in raw else mailboxes.a
    assert expected in filed_message(client, outcome).body_text


def test_senders_odd_headers_are_read_without_a_crash(mailboxes):
    names = {}
    for name in (
        "nul_in_subject_and_name.eml",
        "two_from_addresses.eml",
        "eight_bit_headers.eml",
        "from_without_domain.eml",
    ):
        message = filed_message(mailboxes.a, mail_receive(raw=corpus(name), source="pipe"))
        customer = message.conversation.customer
        names[name] = (customer.name, customer.email, message.conversation.subject)
    assert names["nul_in_subject_and_name.eml"] == (
        "Eva Mala",
        "eva@customer.example",
        "Reklamace bot",
    )
    assert names["two_from_addresses.eml"][:2] == ("Jana Nová", "jana@customer.example")
    assert names["eight_bit_headers.eml"] == (
        "Řehoř Žďárský",
        "rehor@customer.example",
        "Stížnost na doručení \N{EN DASH} kurýr nepřišel",
    )
    # No address to answer: filed for an agent all the same, and not acknowledged.
    assert names["from_without_domain.eml"][:2] == ("foo", "")


def test_a_photo_a_pdf_and_an_inline_image_are_attachments(mailboxes):
    photo = filed_message(mailboxes.a, mail_receive(raw=corpus("photo_and_pdf.eml"), source="pipe"))
    inline = filed_message(
        mailboxes.a, mail_receive(raw=corpus("inline_cid_image.eml"), source="pipe")
    )
    nested = filed_message(
        mailboxes.a, mail_receive(raw=corpus("nested_rfc822.eml"), source="pipe")
    )
    with in_schema(mailboxes.a):
        files = [(a.filename, a.content_type, a.content_id) for a in photo.attachments.all()]
        assert files == [
            ("krabice.jpg", "image/jpeg", ""),
            ("faktura č. 5521.pdf", "application/pdf", ""),
        ]
        assert photo.attachments.get(content_type="image/jpeg").size == 10267
        (image,) = inline.attachments.all()
        assert (image.content_type, image.content_id) == ("image/png", "podrazka@customer.example")
        # A forwarded message is one file, not its parts.
        assert [a.content_type for a in nested.attachments.all()] == ["message/rfc822"]


def test_very_long_headers_are_cut_not_refused(mailboxes):
    message = filed_message(
        mailboxes.a, mail_receive(raw=corpus("very_long_headers.eml"), source="pipe")
    )
    assert len(message.conversation.subject) == 300
    assert message.external_id == "<long-1@customer.example>"


def test_new_contacts_are_acknowledged_but_not_automatic_mail_or_senders_without_address(
    mailboxes,
):
    acknowledged = {}
    for name in (
        "eight_bit_headers.eml",
        "from_without_domain.eml",
        "bounce_empty_sender.eml",
        "bounce_mailer_daemon_display.eml",
        "ooo_x_autoreply.eml",
    ):
        outcome = mail_receive(raw=corpus(name), source="pipe")
        with in_schema(mailboxes.a):
            acknowledged[name] = Message.objects.filter(
                conversation_id=outcome.filed.conversation_id, direction="out"
            ).count()
    assert acknowledged == {
        "eight_bit_headers.eml": 1,
        "from_without_domain.eml": 0,
        "bounce_empty_sender.eml": 0,
        "bounce_mailer_daemon_display.eml": 0,
        "ooo_x_autoreply.eml": 0,
    }


def test_automatic_mail_about_nothing_of_ours_stays_out_of_the_queue(mailboxes):
    outcome = mail_receive(raw=corpus("bounce_mailer_daemon_display.eml"), source="pipe")
    with in_schema(mailboxes.a):
        conversation = Conversation.objects.get(pk=outcome.filed.conversation_id)
        assert conversation.status == "closed" and conversation.first_response_due_at is None
        assert conversation.messages.get().automatic
    assert not WorkItem.objects.filter(client=mailboxes.a, source_id=conversation.pk).exists()


def test_utf16_text_is_not_read_as_utf8_with_nuls(mailboxes):
    head = (
        b"From: Eva <eva@customer.example>\nTo: podpora@obuv.example\nSubject: UTF-16\n"
        b"Message-ID: <utf16-1@customer.example>\nMIME-Version: 1.0\n"
        b"Content-Type: text/plain; charset=utf-16\nContent-Transfer-Encoding: base64\n\n"
    )
    body = base64.encodebytes("Dobrý den, kde je zásilka?".encode("utf-16"))
    message = filed_message(mailboxes.a, mail_receive(raw=head + body, source="pipe"))
    assert message.body_text == "Dobrý den, kde je zásilka?"


INSERTS = [
    b"\x00",
    b"=?utf-8?b?",
    b"?=",
    b"<",
    b"\r",
    b"\n\n",
    b"--",
    b'"',
    b"\xed\xa0\x80",
    b'boundary=""',
    b":",
    b"Content-Transfer-Encoding: base64\n",
    b"@",
]


def mutated(raw: bytes, rng: random.Random) -> bytes:
    """The message with a few bytes changed, inserted, cut or repeated, as a broken mail
    program or a broken relay would."""
    raw = bytearray(raw)
    for _ in range(rng.randint(1, 8)):
        where, choice = rng.randrange(len(raw) or 1), rng.random()
        if choice < 0.3 and raw:
            raw[where] = rng.randrange(256)
        elif choice < 0.55:
            raw[where:where] = rng.choice(INSERTS)
        elif choice < 0.8:
            del raw[where : where + rng.randint(1, 200)]
        else:
            start = rng.randrange(len(raw) or 1)
            raw[where:where] = raw[start : start + rng.randint(1, 300)]
    return bytes(raw)


def test_mutated_mail_is_filed_or_refused_with_a_reason_never_an_error(mailboxes):
    rng = random.Random(14)
    statuses = []
    for n in range(120):
        original = corpus(ALL[n % len(ALL)])
        raw = mutated(original, rng)
        # The MTA names the recipient (the mutations often break the To header).
        envelope = "pomoc@sklep.example" if b"pomoc@sklep" in original else "podpora@obuv.example"
        outcome = mail_receive(raw=raw, source="pipe", envelope=envelope)
        statuses.append(outcome.status)
        # "unreadable" would mean our own reading or filing failed: a bug to see here.
        expected = ("filed", "duplicate") if raw.strip() else ("unparseable",)
        assert outcome.status in expected, (outcome, raw)
    assert statuses.count("filed") > 80  # the rest: a Message-ID the mutations left alone


def forwards(depth: int) -> bytes:
    raw = b"From: a@customer.example\nTo: podpora@obuv.example\nSubject: deep\n\nDno.\n"
    for _ in range(depth):
        raw = (
            b"From: a@customer.example\nTo: podpora@obuv.example\nSubject: Fwd\n"
            b"MIME-Version: 1.0\nContent-Type: message/rfc822\n\n" + raw
        )
    return raw


def test_forwards_of_forwards_are_filed_and_a_thousand_deep_is_shown_unreadable(mailboxes):
    assert mail_receive(raw=forwards(200), source="pipe").status == "filed"
    # The standard library's parser recurses once per nested message and gives up near 300:
    # the item is there for an agent, with the original, not lost.
    hostile = mail_receive(raw=forwards(1000), source="pipe")
    assert (hostile.status, hostile.accepted) == ("unreadable", True)
    assert "RecursionError" in hostile.reason
    # Delivered again (the MTA retried): the same item, no second one.
    again = mail_receive(raw=forwards(1000), source="pipe")
    assert (again.status, again.filed.conversation_id) == (
        "duplicate",
        hostile.filed.conversation_id,
    )


def test_a_message_of_thousands_of_tiny_parts_keeps_200_and_names_the_rest(mailboxes):
    parts = b"".join(
        b"--b\nContent-Type: application/octet-stream\nContent-Disposition: attachment; "
        b"filename=f" + str(n).encode() + b".bin\n\nx" + str(n).encode() + b"\n"
        for n in range(3000)
    )
    raw = (
        b"From: a@customer.example\nTo: podpora@obuv.example\nSubject: parts\n"
        b"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n"
        b"--b\nContent-Type: text/plain\n\nMnoho souboru.\n" + parts + b"--b--\n"
    )
    message = filed_message(mailboxes.a, mail_receive(raw=raw, source="pipe"))
    with in_schema(mailboxes.a):
        assert message.attachments.count() == 200
    assert "[attachment not kept: f200.bin: over 200 files, not kept]" in message.body_text
    assert message.body_text.endswith("[and 2780 more attachments not kept]")
