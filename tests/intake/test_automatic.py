"""Auto-replies (RFC 3834 and the usual vendor headers) and bounces (RFC 3464) are filed
where they belong without reopening anything, a clock, a work item or an acknowledgement."""

from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from conversations import email_in
from conversations.email_in import bounce_report, email_parse
from conversations.models import Conversation, Message
from intake.services import mail_receive
from reporting.figures import Period
from reporting.selectors import contact_figures_for_period
from routing.models import WorkItem
from tests.support.mail import corpus
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.django_db
OOO = ["ooo_auto_submitted.eml", "ooo_x_autoreply.eml", "ooo_precedence.eml", "ooo_exchange.eml"]


def resolved_conversation_with_our_acknowledgement(mailboxes) -> tuple[int, str]:
    """Věra wrote, was acknowledged, and her matter is resolved: (conversation, ack id)."""
    first = mail_receive(raw=corpus("exchange_ordinary_with_suppress.eml"), source="pipe")
    conversation_id = first.filed.conversation_id
    with in_schema(mailboxes.a):
        ack = Message.objects.get(conversation_id=conversation_id, direction="out")
        resolved = Conversation.objects.filter(pk=conversation_id)
        resolved.update(status="resolved", resolved_at=timezone.now())
    WorkItem.objects.filter(client=mailboxes.a, source_id=conversation_id).update(status="done")
    return conversation_id, ack.external_id


@pytest.mark.parametrize("name", OOO)
def test_an_out_of_office_reply_joins_its_conversation_without_reopening_it(mailboxes, name):
    conversation_id, ack_id = resolved_conversation_with_our_acknowledgement(mailboxes)
    raw = corpus(name).replace(b"<ack-9@polydesk.test>", ack_id.encode())
    outcome = mail_receive(raw=raw, source="pipe")
    assert (outcome.filed.conversation_id, outcome.filed.threaded) == (conversation_id, True)
    with in_schema(mailboxes.a):
        conversation = Conversation.objects.get(pk=conversation_id)
        assert (conversation.status, conversation.reopen_count) == ("resolved", 0)
        reply = conversation.messages.get(pk=outcome.filed.message_pk)
        assert reply.automatic and reply.direction == "in"
        assert conversation.messages.filter(direction="out").count() == 1  # no second ack
    assert not WorkItem.objects.filter(
        client=mailboxes.a, source_id=conversation_id, status="waiting"
    ).exists()


def test_an_exchange_header_alone_does_not_make_a_customers_mail_automatic(mailboxes):
    outcome = mail_receive(raw=corpus("exchange_ordinary_with_suppress.eml"), source="pipe")
    with in_schema(mailboxes.a):
        assert not Message.objects.get(pk=outcome.filed.message_pk).automatic
    assert WorkItem.objects.filter(
        client=mailboxes.a, source_id=outcome.filed.conversation_id, status="waiting"
    ).exists()


def test_an_auto_reply_from_a_stranger_quoting_our_id_does_not_enter_the_conversation(mailboxes):
    conversation_id, ack_id = resolved_conversation_with_our_acknowledgement(mailboxes)
    raw = corpus("ooo_auto_submitted.eml").replace(b"<ack-9@polydesk.test>", ack_id.encode())
    raw = raw.replace(b"vera@customer.example", b"mallory@elsewhere.example")
    outcome = mail_receive(raw=raw, source="pipe")
    assert outcome.filed.conversation_id != conversation_id
    with in_schema(mailboxes.a):
        assert Conversation.objects.get(pk=outcome.filed.conversation_id).status == "closed"


@pytest.mark.parametrize(
    ("name", "original", "recipient", "status", "diagnostic"),
    [
        (
            "dsn_postfix.eml",
            "<ack-1@polydesk.test>",
            "jana@gone.example",
            "5.1.1",
            "550 5.1.1 <jana@gone.example>: Recipient address rejected: User unknown",
        ),
        (
            "dsn_exchange.eml",
            "<ack-2@polydesk.test>",
            "petr@remote.example",
            "5.1.10",
            "550 5.1.10 RESOLVER.ADR.RecipientNotFound",
        ),
        (
            "dsn_gmail.eml",
            "<ack-3@polydesk.test>",
            "karel.novak.neexistuje@gmail.com",
            "5.1.1",
            "550-5.1.1 The email account that you tried to reach does not exist.",
        ),
    ],
)
def test_delivery_reports_of_three_mail_servers_are_read(
    name, original, recipient, status, diagnostic
):
    parsed = email_parse(corpus(name))
    report = bounce_report(corpus(name))
    assert parsed.kind == "bounce" and bounce_report(parsed) == report
    assert (report.original_message_id, report.recipient, report.status, report.action) == (
        original,
        recipient,
        status,
        "failed",
    )
    assert report.diagnostic.startswith(diagnostic)


def test_a_bounce_without_a_report_and_a_customers_mail_have_no_report():
    assert email_parse(corpus("bounce_mailer_daemon_display.eml")).kind == "bounce"
    assert bounce_report(corpus("bounce_mailer_daemon_display.eml")) is None
    assert bounce_report(corpus("photo_and_pdf.eml")) is None


def test_a_bounce_is_filed_in_its_conversation_and_told_to_the_outbox(mailboxes):
    with in_schema(mailboxes.a):
        mail_receive(
            raw=corpus("two_from_addresses.eml").replace(
                b"jana@customer.example", b"jana@gone.example"
            ),
            source="pipe",
        )
        conversation = Conversation.objects.get(customer__email="jana@gone.example")
        Message.objects.filter(conversation=conversation, direction="out").update(
            external_id="<ack-1@polydesk.test>"
        )
        status_before = conversation.status
    told = []
    email_in.on_bounce.append(lambda **kwargs: told.append(kwargs))
    try:
        outcome = mail_receive(raw=corpus("dsn_postfix.eml"), source="pipe")
    finally:
        email_in.on_bounce.pop()
    assert (outcome.filed.conversation_id, outcome.filed.threaded) == (conversation.pk, True)
    assert len(told) == 1 and told[0]["client"] == mailboxes.a
    assert told[0]["message_id"] == "<ack-1@polydesk.test>"
    assert "5.1.1" in told[0]["reason"] and "jana@gone.example" in told[0]["reason"]
    with in_schema(mailboxes.a):
        conversation.refresh_from_db()
        bounce = conversation.messages.get(pk=outcome.filed.message_pk)
        assert bounce.automatic and bounce.body_text.startswith("Not delivered: jana@gone")
        assert conversation.status == status_before
        assert conversation.messages.filter(direction="out").count() == 1  # never acknowledged


def test_a_failing_bounce_hook_does_not_lose_the_bounce(mailboxes):
    def broken(**kwargs):
        raise RuntimeError("outbox down")

    with in_schema(mailboxes.a):
        mail_receive(
            raw=corpus("two_from_addresses.eml").replace(
                b"jana@customer.example", b"jana@gone.example"
            ),
            source="pipe",
        )
        Message.objects.filter(
            direction="out", conversation__customer__email="jana@gone.example"
        ).update(external_id="<ack-1@polydesk.test>")
    email_in.on_bounce.append(broken)
    try:
        outcome = mail_receive(raw=corpus("dsn_postfix.eml"), source="pipe")
    finally:
        email_in.on_bounce.remove(broken)
    assert outcome.status == "filed" and outcome.filed.threaded


def test_mail_from_our_own_address_is_never_acknowledged(mailboxes):
    raw = corpus("eight_bit_headers.eml").replace(b"rehor@customer.example", b"pomoc@sklep.example")
    outcome = mail_receive(raw=raw, source="pipe")
    with in_schema(mailboxes.a):
        assert not Message.objects.filter(
            conversation_id=outcome.filed.conversation_id, direction="out"
        ).exists()


def test_automatic_mail_about_nothing_of_ours_is_not_a_contact_in_the_figures(mailboxes):

    now = timezone.localtime(timezone.now(), timezone=ZoneInfo("Europe/Prague"))
    month = Period.month(year=now.year, month=now.month, time_zone="Europe/Prague")

    def received() -> int:
        with in_schema(mailboxes.a):
            totals, _ = contact_figures_for_period(client=mailboxes.a, period=month)
        return totals.received

    before = received()
    for name in ("bounce_mailer_daemon_display.eml", "dsn_gmail.eml", "ooo_precedence.eml"):
        outcome = mail_receive(raw=corpus(name), source="pipe")
        with in_schema(mailboxes.a):
            assert Conversation.objects.get(pk=outcome.filed.conversation_id).automatic
    assert received() == before
    mail_receive(raw=corpus("eight_bit_headers.eml"), source="pipe")
    assert received() == before + 1  # a customer's mail is one


def test_a_customer_writing_through_a_mailing_list_is_a_contact_but_not_acknowledged(
    mailboxes,
):
    # The shop's support address is a Google group: every mail carries Precedence: list.
    outcome = mail_receive(raw=corpus("via_google_group.eml"), source="pipe")
    with in_schema(mailboxes.a):
        conversation = Conversation.objects.get(pk=outcome.filed.conversation_id)
        assert not conversation.automatic and conversation.status == "new"
        assert not conversation.messages.get().automatic
        assert not conversation.messages.filter(direction="out").exists()  # a list: no ack
    assert WorkItem.objects.filter(
        client=mailboxes.a, source_id=conversation.pk, status="waiting"
    ).exists()
