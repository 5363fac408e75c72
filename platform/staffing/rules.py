"""Small rules the plan, the pages and the what-if share (plain Python)."""

import math
from collections.abc import Iterable


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
