"""Expired sign-in sessions are deleted by the daily sweep; live ones stay."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts.tasks import sessions_expired_clear_task

pytestmark = pytest.mark.django_db


def test_the_sweep_deletes_expired_sessions_and_keeps_live_ones():
    live, expired = SessionStore(), SessionStore()
    live["user"], expired["user"] = "jana", "piotr"
    live.create()
    expired.create()
    Session.objects.filter(session_key=expired.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )

    assert sessions_expired_clear_task.apply().get() == 1

    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]


def test_the_sweep_runs_daily():
    entry = settings.CELERY_BEAT_SCHEDULE["clear-expired-sessions"]
    assert entry["task"] == sessions_expired_clear_task.name
