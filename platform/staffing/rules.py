"""Small rules the plan, the pages and the what-if share (plain Python)."""

import math
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

# A plan's grain: every history row, plan hour and coverage figure is one UTC hour.
HOUR = timedelta(hours=1)


def hour_floor(moment: datetime) -> datetime:
    """The start of the UTC hour ``moment`` falls in."""
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def agents_on_shift(agents_per_channel: Iterable[float], *, shrinkage_percent: int) -> int:
    """Agents to have on shift for an hour: the agents handling each channel's contacts,
    added (an agent blends calls, chats and e-mail), grossed up for shrinkage (breaks,
    training: time on shift not spent on contacts), rounded up to whole agents."""
    working = sum(agents_per_channel)
    if working <= 0:
        return 0
    on_shift = working / (1 - shrinkage_percent / 100)
    # 2.0000000001 agents after float arithmetic is two agents, not three.
    return math.ceil(round(on_shift, 6))
