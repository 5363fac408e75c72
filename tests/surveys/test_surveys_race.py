"""Surveys under concurrency, with real threads and committed rows: two sweeps decide one
survey once; a customer's parallel clicks leave one survey with one rating."""

import pytest
from django.test import Client as HttpClient

from conversations.models import Message
from surveys.links import survey_token
from surveys.models import Survey
from surveys.services import surveys_due_send
from tests.support.surveys import AFTER_DELAY, committed_resolution
from tests.support.tenancy import host_of, in_schema
from tests.support.threads import parallel

pytestmark = pytest.mark.slow


def test_two_sweeps_at_once_send_one_survey(two_clients, django_db_blocker):
    with committed_resolution(two_clients, django_db_blocker) as conversation:

        def sweep() -> int:
            with in_schema(two_clients.a):
                return surveys_due_send(client=two_clients.a, now=AFTER_DELAY)

        with django_db_blocker.unblock():
            answers = parallel(sweep, threads=6)
            assert sorted(answers) == [0, 0, 0, 0, 0, 1]
            with in_schema(two_clients.a):
                assert Survey.objects.filter(conversation=conversation).count() == 1
                outbound = Message.objects.filter(conversation=conversation, direction="out")
                assert outbound.count() == 1


def test_parallel_clicks_leave_one_survey_with_one_of_the_ratings(two_clients, django_db_blocker):
    with (
        committed_resolution(two_clients, django_db_blocker) as conversation,
        django_db_blocker.unblock(),
    ):
        with in_schema(two_clients.a):
            surveys_due_send(client=two_clients.a, now=AFTER_DELAY)
            survey = Survey.objects.get(conversation=conversation)
        token = survey_token(client=two_clients.a, survey=survey)
        ratings = iter([1, 2, 3, 4, 5] * 4)

        def click() -> int:
            http = HttpClient(HTTP_HOST=host_of(two_clients.a))
            return http.post(f"/survey/{token}/", {"rating": str(next(ratings))}).status_code

        answers = parallel(click, threads=20)
        assert answers == [302] * 20
        with in_schema(two_clients.a):
            [stored] = Survey.objects.filter(conversation=conversation)
        assert stored.rating in (1, 2, 3, 4, 5) and stored.answered_via == "link"
