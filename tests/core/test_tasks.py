"""Sending tasks: in the schema active when the work was done, and never failing a request."""

import pytest
from django.db import connection
from kombu.exceptions import OperationalError

from core.tasks import task_enqueue_on_commit, task_send


class FakeTask:
    name = "fake"

    def __init__(self, error: Exception | None = None) -> None:
        self.error = error
        self.sent: list[dict] = []

    def apply_async(self, **kwargs) -> None:
        if self.error is not None:
            raise self.error
        self.sent.append(kwargs)


def test_a_task_carries_its_schema_in_the_headers():
    task = FakeTask()
    assert task_send(task, schema_name="client_a", args=[1], queue="q")
    assert task.sent == [
        {"args": (1,), "kwargs": {}, "headers": {"_schema_name": "client_a"}, "queue": "q"}
    ]


@pytest.mark.parametrize("error", [OperationalError("down"), OSError("refused"), ValueError()])
def test_a_broker_that_cannot_be_reached_is_logged_not_raised(error, caplog):
    assert task_send(FakeTask(error), schema_name="public") is False
    assert "fake" in caplog.text


@pytest.mark.django_db
def test_on_commit_the_task_goes_with_the_schema_of_when_it_was_asked(
    django_capture_on_commit_callbacks,
):
    task = FakeTask()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        task_enqueue_on_commit(task, args=[7])
        assert task.sent == []  # nothing before the commit
    assert len(callbacks) == 1
    assert task.sent[0]["args"] == (7,)
    assert task.sent[0]["headers"] == {"_schema_name": connection.schema_name}
