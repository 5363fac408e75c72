import pytest

from staffing.rules import agents_on_shift


@pytest.mark.parametrize(
    ("agents", "shrinkage", "expected"),
    [
        ([], 30, 0),
        ([0.0, 0.0], 30, 0),
        ([7.0], 30, 10),  # 7 / 0.7 = 10 exactly
        ([7.0, 0.1], 30, 11),
        ([3.0, 2.0, 0.5], 0, 6),
        ([1.4], 30, 2),
    ],
)
def test_agents_on_shift_adds_channels_and_grosses_up_for_shrinkage(agents, shrinkage, expected):
    assert agents_on_shift(agents, shrinkage_percent=shrinkage) == expected
