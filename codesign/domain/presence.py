"""Which tablets are connected and which teams are still editing.

The heartbeats are kept in the store (:meth:`codesign.storage.room.RoomStore.record_presence`), so
every app process on one store sees every tablet; the rules that read them are here.

>>> connected_teams({"team-1": 100.0}, now=105.0), connected_teams({"team-1": 100.0}, now=200.0)
(['team-1'], [])
>>> team_activity("2026-06-01T10:00:00+00:00", connected=False, now=1780308060.0).value
'editing'
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import datetime

__all__ = ["CONNECTED_WITHIN_S", "EDITING_WITHIN_S", "TeamActivity", "connected_teams", "team_activity"]

#: A tablet that called in within this many seconds counts as connected.
CONNECTED_WITHIN_S = 15.0
#: A team that saved within this many seconds counts as still editing.
EDITING_WITHIN_S = 90.0


class TeamActivity(enum.Enum):
    """What a team is doing, as the projector's gallery shows it."""

    #: The team saved a version within :data:`EDITING_WITHIN_S` seconds.
    EDITING = "editing"
    #: No recent save, but a tablet of the team called in within :data:`CONNECTED_WITHIN_S` seconds.
    CONNECTED = "connected"
    #: Neither.
    IDLE = "idle"


def team_activity(last_saved_at: str | None, connected: bool, now: float) -> TeamActivity:
    """Whether a team is editing (saved recently), only connected, or idle.

    A recent save wins over a connected tablet: the team is at work.

    >>> team_activity(None, connected=True, now=0.0).value
    'connected'
    >>> team_activity("1970-01-01T00:00:00+00:00", connected=False, now=EDITING_WITHIN_S + 1).value
    'idle'

    Parameters
    ----------
    last_saved_at : str or None
        When the team's latest version was saved (ISO 8601 with a time zone), None if never.
    connected : bool
        Whether a tablet of the team called in lately (:func:`connected_teams`).
    now : float
        The time to judge at, in seconds since the epoch.

    Returns
    -------
    TeamActivity
        ``EDITING``, ``CONNECTED`` or ``IDLE``.
    """
    if last_saved_at and now - datetime.fromisoformat(last_saved_at).timestamp() <= EDITING_WITHIN_S:
        return TeamActivity.EDITING
    return TeamActivity.CONNECTED if connected else TeamActivity.IDLE


def connected_teams(seen: Mapping[str, float], now: float, within: float = CONNECTED_WITHIN_S) -> list[str]:
    """Teams with a tablet that called in within the last ``within`` seconds.

    >>> connected_teams({"team-2": 100.0, "team-1": 110.0}, now=120.0)
    ['team-1']

    Parameters
    ----------
    seen : Mapping of str to float
        Team id -> its tablet's last heartbeat, seconds since the epoch
        (:meth:`codesign.storage.room.RoomStore.presence`).
    now : float
        The time to judge at, in seconds since the epoch.
    within : float
        How many seconds a heartbeat counts.

    Returns
    -------
    list of str
        The ids of those teams, sorted.
    """
    return sorted(team for team, at in seen.items() if now - at <= within)
