"""A workshop session: its site, date and teams with their join tokens, and the owners of concepts.

>>> from datetime import datetime
>>> s = new_session(site="aksu-city-square", title="Forum", teams=[("A", None)], now=datetime(2026, 12, 1))
>>> [(t.id, t.name, t.colour) for t in s.teams], s.date
([('team-1', 'A', '#4477AA')], '2026-12-01')
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from codesign.domain.ids import check_identifier
from codesign.errors import CodesignError

__all__ = [
    "MAX_TEAMS",
    "MAX_TEAM_NAME",
    "MAX_TITLE",
    "PLAN_OWNER",
    "TEAM_COLOURS",
    "VISION_OWNER",
    "Session",
    "Team",
    "new_session",
    "parse_team_lines",
]

#: Owner id under which a session keeps the akimat's plan.
PLAN_OWNER = "plan"
#: Owner id of the joint vision the room builds from the consensus.
VISION_OWNER = "vision"
#: Team colours, Paul Tol's colour-blind-safe "bright" scheme, in order of creation.
TEAM_COLOURS = ("#4477AA", "#EE6677", "#228833", "#CCBB44", "#66CCEE", "#AA3377", "#BBBBBB", "#222255")
#: Most teams in one session.
MAX_TEAMS = 40
#: Longest session title (characters).
MAX_TITLE = 120
#: Longest team name (characters).
MAX_TEAM_NAME = 60
_HEX_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")


@dataclass(frozen=True)
class Team:
    """A resident team; ``token`` is the secret in its join link."""

    id: str
    name: str
    colour: str
    token: str


@dataclass(frozen=True)
class Session:
    """One workshop on one site."""

    id: str
    title: str
    site: str
    date: str
    created_at: str
    teams: tuple[Team, ...] = ()
    illustrative: bool = False
    #: The secret in the read-only link for the architecture department ("" = none issued).
    review_token: str = ""

    def team(self, team_id: str) -> Team:
        """The team with that id (``error.team_not_found`` if there is none).

        Parameters
        ----------
        team_id
            The team's id (``team-1``).

        Returns
        -------
        Team
            The team.
        """
        for t in self.teams:
            if t.id == team_id:
                return t
        raise CodesignError("error.team_not_found", team=team_id)


def parse_team_lines(text: str) -> list[tuple[str, str | None]]:
    r"""Teams typed one per line, each optionally ending in a ``#RRGGBB`` colour.

    >>> parse_team_lines("Жасыл аула #228833\n\n  Семьи Аксу  ")
    [('Жасыл аула', '#228833'), ('Семьи Аксу', None)]

    Parameters
    ----------
    text
        What the facilitator typed; blank lines are skipped.

    Returns
    -------
    list of tuple of (str, str or None)
        ``(name, colour or None)`` per team, as :func:`new_session` takes them.
    """
    teams: list[tuple[str, str | None]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        name, _, colour = line.rpartition(" ")
        if name.strip() and _HEX_COLOUR.fullmatch(colour):
            teams.append((name.strip(), colour.upper()))
        else:
            teams.append((line, None))
    return teams


def new_session(
    *,
    site: str,
    title: str,
    teams: Sequence[tuple[str, str | None]],
    now: datetime,
    day: date | None = None,
    session_id: str | None = None,
    illustrative: bool = False,
) -> Session:
    """A new session, checked (title, 1-40 teams, names, colours) and with fresh tokens.

    One set of rules for every store. NUL characters are refused (PostgreSQL cannot hold them).

    Parameters
    ----------
    site
        The site's id.
    title
        The title (stripped, 1 to :data:`MAX_TITLE` characters).
    teams
        ``(name, colour or None)`` per team, 1 to :data:`MAX_TEAMS`; names unique (case aside),
        colours ``#RRGGBB`` (default: :data:`TEAM_COLOURS` in turn).
    now
        The creation time (and the date, when ``day`` is not given).
    day
        The workshop's date.
    session_id
        The id to use; without it the id is the date and four random hex digits.
    illustrative
        Whether the session holds illustrative data (the demo).

    Returns
    -------
    Session
        The session, with ``team-1``, ``team-2``, ... and fresh join and reviewer tokens.
    """
    check_identifier(site, "site")
    if session_id is not None:
        check_identifier(session_id, "session")
    title = title.strip()
    if not title or len(title) > MAX_TITLE or "\x00" in title:
        raise CodesignError("session.bad_title", limit=MAX_TITLE)
    names = [name.strip() for name, _ in teams]
    if not 1 <= len(names) <= MAX_TEAMS:
        raise CodesignError("session.bad_team_count", limit=MAX_TEAMS)
    for name in names:
        if not name or len(name) > MAX_TEAM_NAME or "\x00" in name:
            raise CodesignError("session.bad_team_name", limit=MAX_TEAM_NAME)
    if len({n.casefold() for n in names}) != len(names):
        raise CodesignError("session.duplicate_team")
    day = day or now.date()
    team_list = []
    for index, (name, (_, colour)) in enumerate(zip(names, teams, strict=True), start=1):
        if colour is not None and not _HEX_COLOUR.fullmatch(colour):
            raise CodesignError("session.bad_colour", colour=colour[:20])
        team_list.append(
            Team(
                id=f"team-{index}",
                name=name,
                colour=colour or TEAM_COLOURS[(index - 1) % len(TEAM_COLOURS)],
                token=secrets.token_urlsafe(16),
            )
        )
    return Session(
        id=session_id if session_id is not None else f"{day.isoformat()}-{secrets.token_hex(2)}",
        title=title,
        site=site,
        date=day.isoformat(),
        created_at=now.isoformat(timespec="seconds"),
        teams=tuple(team_list),
        illustrative=illustrative,
        review_token=secrets.token_urlsafe(16),
    )
