"""The survey after a resolved conversation: sent once, after the delay, on its channel, in
the customer's language; rated by one-click link (e-mail) or a digit reply (chat, SMS)."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client as HttpClient
from django.utils import timezone

from accounts.models import User
from content.models import MessageTemplate
from conversations.models import Conversation, Message
from conversations.services import (
    conversation_customer_message,
    conversation_open_inbound,
    conversation_reopen,
    conversation_reply,
    conversation_resolve,
    conversation_sms_receive,
    conversations_pending_resolve,
)
from customers.services import customer_erase
from hours.models import SlaTarget
from outbox.models import Delivery
from routing.models import WorkItem
from surveys.links import survey_token
from surveys.models import Survey
from surveys.services import survey_comment, survey_rate, survey_recommend, survey_settings_get
from surveys.tasks import surveys_sweep_task
from tests.support.desk import agent_with
from tests.support.desk import signed_in as desk_signed_in
from tests.support.factories import UserFactory, agent_serving
from tests.support.outbox import send_now
from tests.support.portal import signed_in
from tests.support.surveys import (
    AFTER_DELAY,
    MONDAY_10_PRAGUE,
    RATING_LINK,
    RESOLVED_AT,
    resolved,
    surveys_on,
    sweep,
)
from tests.support.tenancy import host_of, in_schema

pytestmark = pytest.mark.django_db


def survey_of(client, conversation) -> Survey | None:
    with in_schema(client):
        return Survey.objects.filter(conversation=conversation).first()


def sent_mail_links(client, survey) -> dict[int, str]:
    """The rating links of the survey's e-mail as the customer received it."""
    assert send_now(client, survey.message_id) == Delivery.State.SENT
    [sent] = [m for m in mail.outbox if "/survey/" in m.body]
    return {int(rating): f"{url}?rating={rating}" for url, rating in RATING_LINK.findall(sent.body)}


def sms_survey_sent_an_hour_ago(client, *, phone: str) -> Conversation:
    """An SMS conversation whose survey question went out an hour ago: the webhook files a
    reply at the real time, so the question is dated in the real past."""
    surveys_on(client)
    an_hour_ago = timezone.now() - timedelta(hours=1)
    conversation = resolved(
        client,
        channel="sms",
        email="",
        phone=phone,
        text="Kde je balík?",
        at=an_hour_ago - timedelta(hours=2),
    )
    sweep(client, now=an_hour_ago)
    return conversation


def test_an_email_survey_goes_out_once_after_the_delay_in_the_customers_language(two_clients):
    surveys_on(two_clients.a)
    conversation = resolved(two_clients.a)

    assert sweep(two_clients.a, now=RESOLVED_AT + timedelta(minutes=59)) == 0  # not yet
    assert sweep(two_clients.a) == 1
    assert sweep(two_clients.a, now=AFTER_DELAY + timedelta(hours=1)) == 0  # once
    survey = survey_of(two_clients.a, conversation)
    assert survey.state == "sent" and survey.language == "cs"
    delivery = Delivery.objects.get(client=two_clients.a, message_id=survey.message_id)
    assert delivery.kind == "automatic" and delivery.channel == "email"

    links = sent_mail_links(two_clients.a, survey)
    [sent] = [m for m in mail.outbox if "/survey/" in m.body]
    assert sent.to == ["spokojeny@example.cz"]
    assert sent.extra_headers["Auto-Submitted"] == "auto-replied"
    assert "Velmi spokojen" in sent.body  # the Czech catalog's words
    # The page's second question is announced, in Czech, with the shop's name.
    assert f"jak pravděpodobně byste {two_clients.a.name} doporučili" in sent.body
    assert sorted(links) == [1, 2, 3, 4, 5]
    assert all(host_of(two_clients.a) in url for url in links.values())


def test_the_link_records_the_rating_and_the_comment_and_a_double_click_is_one_answer(
    two_clients,
):
    surveys_on(two_clients.a)
    conversation = resolved(two_clients.a)
    sweep(two_clients.a)
    survey = survey_of(two_clients.a, conversation)
    links = sent_mail_links(two_clients.a, survey)
    http = HttpClient(HTTP_HOST=host_of(two_clients.a))
    link = urlsplit(links[4])
    assert link.hostname == host_of(two_clients.a)
    path = f"{link.path}?{link.query}"

    opened = http.get(path)
    assert opened.status_code == 200
    assert "Jak jste byli spokojeni" in opened.text  # in the customer's language (Czech)
    assert survey_of(two_clients.a, conversation).rating is None  # a scanner's GET records nothing
    form_path = link.path
    for _click in range(2):
        answered = http.post(form_path, {"rating": "4"})
        assert answered.status_code == 302
    http.post(form_path, {"comment": "Rychlé a milé, díky!"})

    stored = survey_of(two_clients.a, conversation)
    assert (stored.rating, stored.answered_via, stored.comment) == (
        4,
        "link",
        "Rychlé a milé, díky!",
    )
    with in_schema(two_clients.a):
        assert Survey.objects.filter(conversation=conversation).count() == 1
    # Changed their mind: the later rating stands.
    http.post(form_path, {"rating": "5"})
    assert survey_of(two_clients.a, conversation).rating == 5


def test_the_page_asks_the_nps_question_after_the_rating_and_keeps_the_answer(two_clients):
    surveys_on(two_clients.a)
    conversation = resolved(two_clients.a)
    sweep(two_clients.a)
    survey = survey_of(two_clients.a, conversation)
    path = urlsplit(sent_mail_links(two_clients.a, survey)[5]).path
    http = HttpClient(HTTP_HOST=host_of(two_clients.a))

    # Before a rating: no question, and an answer posted anyway is not kept (NPS follows CSAT).
    assert 'name="nps"' not in http.get(path).text
    http.post(path, {"nps": "9"})
    assert survey_of(two_clients.a, conversation).nps is None
    http.post(path, {"rating": "5"})
    page = http.get(path).text
    assert f"Jak pravděpodobně byste {two_clients.a.name} doporučili přátelům?" in page
    assert page.count('name="nps"') == 11  # 0 to 10
    assert http.post(path, {"nps": "9", "comment": ""}).status_code == 302
    assert "Děkujeme za vaše odpovědi." in http.get(f"{path}?saved=1").text
    assert (
        survey_of(two_clients.a, conversation).rating,
        survey_of(two_clients.a, conversation).nps,
    ) == (5, 9)
    # Changed their mind: the later answer stands; a value off the scale changes nothing.
    http.post(path, {"nps": "10"})
    for odd in ["11", "-1", "²", "9.5", "0" * 5000, ""]:
        assert http.post(path, {"nps": odd}).status_code == 302
    assert survey_of(two_clients.a, conversation).nps == 10
    assert 'value="10" aria-label="10" checked' in http.get(path).text


@pytest.mark.parametrize("field", ["rating", "nps"])
def test_a_digit_of_another_script_is_no_answer_and_no_error(two_clients, field):
    surveys_on(two_clients.a)
    conversation = resolved(two_clients.a)
    sweep(two_clients.a)
    survey = survey_of(two_clients.a, conversation)
    path = urlsplit(sent_mail_links(two_clients.a, survey)[5]).path
    http = HttpClient(HTTP_HOST=host_of(two_clients.a))
    assert http.get(f"{path}?{field}=²").status_code == 200  # str.isdigit("²"), int() refuses
    assert http.post(path, {field: "٣"}).status_code == 302  # an Arabic-Indic three
    assert survey_of(two_clients.a, conversation).rating is None


def test_the_nps_service_refuses_an_answer_off_the_scale_or_before_the_rating(two_clients):
    surveys_on(two_clients.a)
    conversation = resolved(two_clients.a)
    sweep(two_clients.a)
    survey = survey_of(two_clients.a, conversation)
    with in_schema(two_clients.a):
        with pytest.raises(ValidationError):
            survey_recommend(survey_id=survey.pk, nps=8)  # no rating yet
        survey_rate(survey_id=survey.pk, rating=4, via="link")
        with pytest.raises(ValidationError):
            survey_recommend(survey_id=survey.pk, nps=11)
        assert survey_recommend(survey_id=survey.pk, nps=0).nps == 0
        # The database holds the rule too: an NPS answer needs a rating.
        with pytest.raises(IntegrityError), transaction.atomic():
            Survey.objects.filter(pk=survey.pk).update(rating=None)


def test_a_tampered_or_foreign_token_gets_a_clear_page_not_an_error(two_clients):
    surveys_on(two_clients.a)
    conversation = resolved(two_clients.a)
    sweep(two_clients.a)
    survey = survey_of(two_clients.a, conversation)
    token = survey_token(client=two_clients.a, survey=survey)
    http = HttpClient(HTTP_HOST=host_of(two_clients.a))

    tampered = http.post(f"/survey/{token[:-2]}xx/", {"rating": "1"})
    assert (
        tampered.status_code == 400 and "není platný" in tampered.text
    )  # Czech: the client's language
    assert http.get("/survey/nonsense/?rating=9").status_code == 400
    # Client A's token on client B's domain: refused (the salt names the client).
    other = HttpClient(HTTP_HOST=host_of(two_clients.b)).get(f"/survey/{token}/")
    assert other.status_code == 400
    assert survey_of(two_clients.a, conversation).rating is None


def test_an_expired_link_says_so(two_clients, monkeypatch):
    surveys_on(two_clients.a)
    conversation = resolved(two_clients.a)
    sweep(two_clients.a)
    survey = survey_of(two_clients.a, conversation)
    token = survey_token(client=two_clients.a, survey=survey)
    later = timezone.now() + timedelta(days=31)
    monkeypatch.setattr("django.core.signing.time.time", lambda: later.timestamp())

    page = HttpClient(HTTP_HOST=host_of(two_clients.a)).post(f"/survey/{token}/", {"rating": "5"})
    assert page.status_code == 410 and "vypršela" in page.text
    assert survey_of(two_clients.a, conversation).rating is None


def test_a_reopened_and_resolved_again_conversation_is_not_asked_twice(two_clients):
    surveys_on(two_clients.a)
    conversation = resolved(two_clients.a)
    sweep(two_clients.a)
    agent = agent_serving([two_clients.a])
    with in_schema(two_clients.a):
        conversation_reopen(
            client=two_clients.a, conversation=conversation, now=AFTER_DELAY + timedelta(hours=1)
        )
        conversation_resolve(
            client=two_clients.a,
            conversation_id=conversation.pk,
            agent=agent,
            now=AFTER_DELAY + timedelta(hours=2),
        )
    assert sweep(two_clients.a, now=AFTER_DELAY + timedelta(hours=4)) == 0
    with in_schema(two_clients.a):
        assert Survey.objects.filter(conversation=conversation).count() == 1


def test_reopened_before_the_delay_the_survey_waits_for_the_next_resolution(two_clients):
    surveys_on(two_clients.a)
    conversation = resolved(two_clients.a)
    with in_schema(two_clients.a):
        conversation_reopen(
            client=two_clients.a, conversation=conversation, now=RESOLVED_AT + timedelta(minutes=5)
        )
    assert sweep(two_clients.a) == 0
    assert survey_of(two_clients.a, conversation) is None


def test_an_automatic_conversation_gets_no_survey(two_clients):
    surveys_on(two_clients.a)
    conversation = resolved(two_clients.a)
    with in_schema(two_clients.a):
        Conversation.objects.filter(pk=conversation.pk).update(automatic=True)
    assert sweep(two_clients.a) == 0
    assert survey_of(two_clients.a, conversation) is None


def test_a_client_with_surveys_off_sends_none(two_clients):
    surveys_on(two_clients.a, enabled=False)
    conversation = resolved(two_clients.a)
    assert sweep(two_clients.a) == 0
    assert survey_of(two_clients.a, conversation) is None


def test_an_sms_customer_without_a_number_is_skipped_with_the_reason(two_clients):
    surveys_on(two_clients.a)
    conversation = resolved(two_clients.a, channel="email", email="")
    conversation_sms = resolved(two_clients.a, channel="chat", email="chat@example.cz")
    with in_schema(two_clients.a):
        Conversation.objects.filter(pk=conversation_sms.pk).update(channel="sms")
    assert sweep(two_clients.a) == 2
    assert (
        survey_of(two_clients.a, conversation).skipped_reason
        == "The customer has no e-mail address."
    )
    skipped = survey_of(two_clients.a, conversation_sms)
    assert (skipped.state, skipped.message_id) == ("skipped", None)
    assert skipped.skipped_reason == "The customer has no phone number."


def test_an_sms_reply_of_one_digit_is_the_rating_and_opens_nothing(two_clients):
    conversation = sms_survey_sent_an_hour_ago(two_clients.a, phone="+420601111222")
    survey = survey_of(two_clients.a, conversation)
    with in_schema(two_clients.a):
        question = Message.objects.get(pk=survey.message_id)
        assert "odpovězte" in question.body_text.lower()
        assert Delivery.objects.get(client=two_clients.a, message_id=question.pk).state == "queued"
        answered = conversation_sms_receive(
            client=two_clients.a, sender="+420601111222", text=" 4 ", message_sid="SM-rating-1"
        )
        other = conversation_sms_receive(
            client=two_clients.a, sender="+420601111222", text="A ještě dotaz", message_sid="SM-2"
        )
        conversation.refresh_from_db()

    assert answered.conversation.pk == conversation.pk and answered.message.body_text == " 4 "
    assert conversation.status == "resolved"  # not reopened by the rating
    assert survey_of(two_clients.a, conversation).rating == 4
    assert survey_of(two_clients.a, conversation).answered_via == "reply"
    assert other.conversation.pk != conversation.pk  # a real question is a new contact


def test_a_chat_reply_of_one_digit_is_the_rating_and_a_late_one_a_new_message(two_clients):
    surveys_on(two_clients.a)
    conversation = resolved(two_clients.a, channel="chat", email="chat@example.cz")
    sweep(two_clients.a)
    with in_schema(two_clients.a):
        question = Message.objects.get(pk=survey_of(two_clients.a, conversation).message_id)
        assert question.sent_at is not None  # handed over to the chat widget at once
        conversation_customer_message(
            client=two_clients.a, conversation_id=conversation.pk, text="5", now=AFTER_DELAY
        )
        conversation.refresh_from_db()
        assert conversation.status == "resolved"
        # Past the 72-hour window a digit is an ordinary message: it reopens the conversation.
        conversation_customer_message(
            client=two_clients.a,
            conversation_id=conversation.pk,
            text="3",
            now=AFTER_DELAY + timedelta(hours=73),
        )
        conversation.refresh_from_db()
    assert survey_of(two_clients.a, conversation).rating == 5
    assert conversation.status == "open" and conversation.reopen_count == 1


def test_erasing_the_customer_erases_their_comment(two_clients):
    surveys_on(two_clients.a)
    conversation = resolved(two_clients.a)
    sweep(two_clients.a)
    survey = survey_of(two_clients.a, conversation)
    with in_schema(two_clients.a):
        survey_rate(survey_id=survey.pk, rating=2, via="link")
        Survey.objects.filter(pk=survey.pk).update(comment="Jmenuji se Jan Novák, volejte 602...")
        customer_erase(customer_id=conversation.customer_id)
        survey.refresh_from_db()
    assert (survey.comment, survey.rating) == ("", 2)


def test_the_agent_sees_the_rating_and_the_comment_on_the_conversation(two_clients):
    surveys_on(two_clients.a)
    conversation = resolved(two_clients.a)
    sweep(two_clients.a)
    survey = survey_of(two_clients.a, conversation)
    with in_schema(two_clients.a):
        survey_rate(survey_id=survey.pk, rating=3, via="link")
        survey_comment(survey_id=survey.pk, comment="Dlouho jsem čekal na <odpověď>.")
    item = WorkItem.objects.filter(
        client=two_clients.a, source_kind="conversation", source_id=conversation.pk
    ).latest("pk")
    agent = agent_with([two_clients.a], {"cs": "native"})
    page = desk_signed_in(agent).get(f"/desk/items/{item.pk}").text
    assert '<strong id="survey-rating">3 / 5</strong>' in page
    assert "Dlouho jsem čekal na &lt;odpověď&gt;." in page  # escaped
    assert 'id="survey-nps"' not in page  # not answered
    with in_schema(two_clients.a):
        survey_recommend(survey_id=survey.pk, nps=7)
    page = desk_signed_in(agent).get(f"/desk/items/{item.pk}").text
    assert '<strong id="survey-nps">7 / 10</strong>' in page


def test_the_beat_asks_every_serving_client_in_its_own_schema(two_clients):
    surveys_on(two_clients.a)
    an_hour_ago = timezone.now() - timedelta(hours=1)
    conversation = resolved(two_clients.a, at=an_hour_ago - timedelta(minutes=5))

    assert surveys_sweep_task() >= 2  # one task per serving client (eager in tests)
    assert survey_of(two_clients.a, conversation).state == "sent"


def test_an_agency_admin_turns_surveys_off_and_on_in_the_clients_admin(two_clients):
    admin = UserFactory(role=User.Role.ADMIN, is_staff=True, is_superuser=True)
    http = HttpClient(HTTP_HOST=host_of(two_clients.a))
    http.force_login(admin)
    assert http.get("/admin/surveys/surveysettings/").status_code == 200  # the row is made
    form = {"delay_minutes": "120", "reply_window_hours": "24", "link_valid_days": "14"}

    assert http.post("/admin/surveys/surveysettings/1/change/", form).status_code == 302
    with in_schema(two_clients.a):
        chosen = survey_settings_get()
    assert (chosen.enabled, chosen.delay_minutes, chosen.link_valid_days) == (False, 120, 14)

    before = timezone.now()
    http.post("/admin/surveys/surveysettings/1/change/", form | {"enabled": "on"})
    with in_schema(two_clients.a):
        chosen = survey_settings_get()
    # Turned on again: what was resolved while they were off is not asked about.
    assert chosen.enabled and chosen.enabled_since >= before


def test_the_clients_survey_template_is_used_in_the_customers_language(two_clients):
    surveys_on(two_clients.a)
    with in_schema(two_clients.a):
        MessageTemplate.objects.create(
            kind="survey_invitation",
            subject_cs="Jak jsme vám pomohli?",
            body_cs="Dobrý den, {customer_name}, ohodnoťte nás zde: {survey_link} {unknown}",
            subject_en="How did we help?",
            body_en="Rate us: {survey_link}",
        )
    conversation = resolved(two_clients.a)
    sweep(two_clients.a)
    survey = survey_of(two_clients.a, conversation)
    sent_mail_links(two_clients.a, survey)
    [sent] = [m for m in mail.outbox if "/survey/" in m.body]
    assert sent.subject == "Jak jsme vám pomohli?"
    first_line = sent.body.splitlines()[0]
    # The page's link (no rating) in the template's place; an unknown placeholder as written.
    assert first_line.startswith("Dobrý den, ohodnoťte nás zde: http://")
    assert first_line.endswith("/ {unknown}") and "?rating" not in first_line
    assert "Ohodnoťte jedním kliknutím:" in sent.body


def test_a_conversation_resolved_after_the_customers_silence_is_surveyed_too(two_clients):
    surveys_on(two_clients.a)
    SlaTarget.objects.create(client=two_clients.a, channel="chat", resolve_pending_after_days=2)
    agent = agent_serving([two_clients.a])
    with in_schema(two_clients.a):
        conversation = conversation_open_inbound(
            client=two_clients.a,
            channel="chat",
            text="Dobrý den, máte boty velikosti 46?",
            customer_email="mlci@example.cz",
            language="cs",
            now=MONDAY_10_PRAGUE,
        ).conversation
        conversation_reply(
            client=two_clients.a,
            conversation_id=conversation.pk,
            agent=agent,
            text="Dobrý den, ano, máme.",
            now=MONDAY_10_PRAGUE,
        )
        silence_over = MONDAY_10_PRAGUE + timedelta(days=2, hours=1)
        assert conversations_pending_resolve(client=two_clients.a, now=silence_over) == 1

    assert sweep(two_clients.a, now=silence_over + timedelta(minutes=61)) == 1
    assert survey_of(two_clients.a, conversation).state == "sent"


def test_the_client_reads_the_answer_on_the_conversation_in_the_portal(two_clients, user_a):
    surveys_on(two_clients.a)
    conversation = resolved(two_clients.a)
    sweep(two_clients.a)
    with in_schema(two_clients.a):
        survey_rate(survey_id=survey_of(two_clients.a, conversation).pk, rating=5, via="link")
        survey_recommend(survey_id=survey_of(two_clients.a, conversation).pk, nps=10)
    page = signed_in(two_clients.a, user_a).get(f"/conversations/{conversation.pk}/").text
    assert '<strong id="survey-rating">5 / 5</strong>' in page
    assert '<strong id="survey-nps">10 / 10</strong>' in page


def test_a_digit_after_a_reopening_answers_the_agent_and_is_not_a_rating(two_clients):
    # The survey went out; the customer wrote again, the agent asked "parcel 1 or 2?" and
    # the conversation was resolved again: "2" answers the agent, it reopens the conversation.
    surveys_on(two_clients.a)
    conversation = resolved(two_clients.a, channel="chat", email="chat@example.cz")
    sweep(two_clients.a)
    agent = agent_serving([two_clients.a])
    with in_schema(two_clients.a):
        conversation_reopen(
            client=two_clients.a, conversation=conversation, now=AFTER_DELAY + timedelta(hours=1)
        )
        conversation_resolve(
            client=two_clients.a,
            conversation_id=conversation.pk,
            agent=agent,
            now=AFTER_DELAY + timedelta(hours=2),
        )
        conversation_customer_message(
            client=two_clients.a,
            conversation_id=conversation.pk,
            text="2",
            now=AFTER_DELAY + timedelta(hours=3),
        )
        conversation.refresh_from_db()
    assert survey_of(two_clients.a, conversation).rating is None
    assert conversation.status == "open" and conversation.reopen_count == 2


def test_an_mms_with_a_digit_is_a_message_for_an_agent_not_a_rating(two_clients):
    conversation = sms_survey_sent_an_hour_ago(two_clients.a, phone="+420601111333")
    with in_schema(two_clients.a):
        photo = conversation_sms_receive(
            client=two_clients.a,
            sender="+420601111333",
            text="1",
            message_sid="SM-photo-1",
            has_media=True,
        )
    assert photo.created and photo.conversation.pk != conversation.pk
    assert survey_of(two_clients.a, conversation).rating is None


def test_a_changed_rating_keeps_the_month_of_the_first(two_clients):
    surveys_on(two_clients.a)
    conversation = resolved(two_clients.a)
    sweep(two_clients.a)
    survey = survey_of(two_clients.a, conversation)
    first, later = AFTER_DELAY, AFTER_DELAY + timedelta(days=40)
    with in_schema(two_clients.a):
        survey_rate(survey_id=survey.pk, rating=5, via="link", now=first)
        changed = survey_rate(survey_id=survey.pk, rating=2, via="link", now=later)
    assert (changed.rating, changed.rated_at) == (2, first)


def test_the_link_of_an_erased_customer_takes_no_answer(two_clients):
    surveys_on(two_clients.a)
    conversation = resolved(two_clients.a)
    sweep(two_clients.a)
    survey = survey_of(two_clients.a, conversation)
    link = urlsplit(sent_mail_links(two_clients.a, survey)[4])
    with in_schema(two_clients.a):
        customer_erase(customer_id=conversation.customer_id)
    http = HttpClient(HTTP_HOST=host_of(two_clients.a))
    response = http.post(link.path, {"rating": "4", "comment": "Jan Novák, 602 111 222"})
    assert response.status_code == 400
    survey = survey_of(two_clients.a, conversation)
    assert (survey.rating, survey.comment) == (None, "")


def test_the_reason_a_survey_was_not_sent_reads_in_the_portals_language(two_clients, user_a):
    surveys_on(two_clients.a)
    conversation = resolved(two_clients.a, channel="email", email="")
    sweep(two_clients.a)
    user_a.language = "cs"
    user_a.save(update_fields=["language"])
    page = signed_in(two_clients.a, user_a).get(f"/conversations/{conversation.pk}/").text
    assert "Zákazník nemá e-mailovou adresu." in page
    assert "The customer has no e-mail address." not in page


def test_a_customer_asks_for_no_more_surveys_from_the_page_and_can_take_it_back(two_clients):
    surveys_on(two_clients.a)
    first = resolved(two_clients.a)
    sweep(two_clients.a)
    survey = survey_of(two_clients.a, first)
    links = sent_mail_links(two_clients.a, survey)
    [sent] = [m for m in mail.outbox if "/survey/" in m.body]
    assert "Žádné další dotazníky" in sent.body  # the way out, named as the page's button
    http = HttpClient(HTTP_HOST=host_of(two_clients.a))
    page = urlsplit(links[5]).path

    assert http.post(page, {"surveys": "stop"}).status_code == 302
    stopped = http.get(page).text
    assert 'id="surveys-stopped"' in stopped and two_clients.a.name in stopped
    assert survey_of(two_clients.a, first).rating is None  # stopping is no rating
    later = resolved(two_clients.a, at=RESOLVED_AT + timedelta(days=2))
    sweep(two_clients.a, now=AFTER_DELAY + timedelta(days=2))
    skipped = survey_of(two_clients.a, later)
    assert (skipped.state, skipped.skipped_reason) == (
        "skipped",
        "The customer asked for no more surveys.",
    )

    http.post(page, {"surveys": "again"})
    assert 'id="surveys-stop"' in http.get(page).text
    again = resolved(two_clients.a, at=RESOLVED_AT + timedelta(days=4))
    sweep(two_clients.a, now=AFTER_DELAY + timedelta(days=4))
    assert survey_of(two_clients.a, again).state == "sent"
    # Another customer of the client is asked as before.
    other = resolved(two_clients.a, email="jiny@example.cz", at=RESOLVED_AT + timedelta(days=2))
    sweep(two_clients.a, now=AFTER_DELAY + timedelta(days=3))
    assert survey_of(two_clients.a, other).state == "sent"
