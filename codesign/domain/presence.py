"""Which tablets are connected and which teams are still editing (in this app process).

>>> board = PresenceBoard()
>>> board.seen("s", "team-1", now=100.0)
>>> board.connected("s", now=105.0), board.connected("s", now=200.0)
(['team-1'], [])
"""

from __future__ import annotations

import threading
from collections import defaultdict

__all__ = ["CONNECTED_WITHIN_S", "EDITING_WITHIN_S", "PresenceBoard"]

#: A tablet that called in within this many seconds counts as connected.
CONNECTED_WITHIN_S = 15.0
#: A team that saved within this many seconds counts as still editing.
EDITING_WITHIN_S = 90.0


class PresenceBoard:
    """Heartbeats from the tablets, kept in memory and shared by all browser sessions."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen: dict[str, dict[str, float]] = defaultdict(dict)

    def seen(self, session_id: str, team_id: str, now: float) -> None:
        """Record that a tablet of ``team_id`` is open now."""
        with self._lock:
            self._seen[session_id][team_id] = now

    def connected(self, session_id: str, now: float, within: float = CONNECTED_WITHIN_S) -> list[str]:
        """Teams with a tablet open within the last ``within`` seconds."""
        with self._lock:
            return sorted(team for team, at in self._seen[session_id].items() if now - at <= within)
