import pytest

from staffing.sharing import agents_share

CS_SK = frozenset({"cs", "sk"})


def test_one_agent_speaking_two_needed_languages_counts_once():
    sharing = agents_share(agents=[CS_SK], required={"cs": 1, "sk": 1})

    assert sum(sharing.unmet.values()) == 1
    assert sum(sharing.allocated.values()) == 1
    # Equally scarce: the tie goes to the first code, always the same way.
    assert sharing.allocated == {"cs": 1, "sk": 0}
    assert sharing.spare == 0


def test_two_such_agents_cover_both():
    sharing = agents_share(agents=[CS_SK, CS_SK], required={"cs": 1, "sk": 1})

    assert sharing.unmet == {"cs": 0, "sk": 0}
    assert sharing.spare == 0


def test_an_agent_splits_the_hour_between_two_small_needs():
    sharing = agents_share(agents=[CS_SK], required={"cs": 0.5, "sk": 0.25})

    assert sharing.allocated == {"cs": 0.5, "sk": 0.25}
    assert sharing.spare == pytest.approx(0.25)


def test_the_bilingual_agent_goes_where_nobody_else_can():
    # Whoever comes first in the list, the most coverage is two: the cs-only agent takes
    # Czech, the bilingual one Slovak.
    for agents in ([CS_SK, frozenset({"cs"})], [frozenset({"cs"}), CS_SK]):
        sharing = agents_share(agents=agents, required={"cs": 1, "sk": 1})
        assert sharing.unmet == {"cs": 0, "sk": 0}


def test_the_scarcer_language_is_filled_first():
    # Two de+hu agents and one de-only agent; German needs 2, Hungarian 2. Three agents
    # cover three of the four either way (de 2 + hu 1, or de 1 + hu 2). Hungarian has 2
    # speakers for 2 needed, German 3 for 2: Hungarian is scarcer and is filled.
    de_hu = frozenset({"de", "hu"})
    sharing = agents_share(agents=[de_hu, de_hu, frozenset({"de"})], required={"de": 2, "hu": 2})

    assert sharing.allocated == {"de": 1, "hu": 2}
    assert sharing.unmet == {"de": 1, "hu": 0}


def test_agents_speaking_no_needed_language_are_spare_and_unneeded_pools_get_nobody():
    sharing = agents_share(
        agents=[frozenset({"ro"}), frozenset({"pl", "de"}), frozenset({"de"})],
        required={"de": 1.5, "pl": 0, "hu": 1},
    )

    assert sharing.allocated == {"de": 1.5, "pl": 0, "hu": 0}
    assert sharing.unmet == {"de": 0, "pl": 0, "hu": 1}
    assert sharing.spare == pytest.approx(1.5)


def test_nobody_on_shift_leaves_every_need_unmet():
    sharing = agents_share(agents=[], required={"sk": 2.5})

    assert sharing.unmet == {"sk": 2.5}
    assert sharing.spare == 0
