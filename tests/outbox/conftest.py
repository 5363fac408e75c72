"""The outbox's fixtures: a broker nobody answers."""

import pytest

from config.celery import app
from tests.outbox.smtp_sink import free_port


@pytest.fixture
def broker_down():
    """Tasks go to a broker that nobody answers (a closed port), as in an outage."""
    conf = app.conf
    saved = conf.broker_write_url, conf.task_always_eager
    conf.broker_write_url, conf.task_always_eager = f"redis://127.0.0.1:{free_port()}/0", False
    app._pool = None
    app.amqp._producer_pool = None
    yield
    conf.broker_write_url, conf.task_always_eager = saved
    app._pool = None
    app.amqp._producer_pool = None
