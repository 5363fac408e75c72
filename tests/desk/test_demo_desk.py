"""The demo's agents sign in and find live work in their languages (and, after the wait,
their fallback languages: Slovak items reach Piotr, who speaks Czech)."""

import pytest

from accounts.models import User
from demo.seed import DEMO_SKILLS
from routing.selectors import agent_reach
from routing.services import agent_presence_set
from tests.support.desk import signed_in

pytestmark = pytest.mark.django_db


def test_every_demo_agent_finds_live_work_in_their_languages(demo_seeded):
    for username, (skills, _) in DEMO_SKILLS.items():
        agent = User.objects.get(username=username)
        speaks = {code for code, level in skills.items() if level in ("native", "fluent")}
        live = signed_in(agent).get("/desk/live").json()
        assert live["waiting"] > 0, username
        assert set(live["languages"]) <= speaks | set(agent_reach(agent).fallback_languages)

        agent_presence_set(agent=agent, presence="available")
        taken = signed_in(agent).post("/desk/next")
        assert taken.status_code == 302 and taken["Location"].startswith("/desk/items/")
        page = signed_in(agent).get(taken["Location"])
        assert page.status_code == 200 and 'id="client-banner"' in page.text
