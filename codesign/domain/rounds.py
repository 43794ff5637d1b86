r"""The workshop's rhythm: rounds (phases) with a countdown, as a pure state machine.

Every transition takes the time explicitly (``now``, seconds since the epoch), so the
rules are tested with an injected clock.

>>> plan = RoundPlan.parse("Эскиз 25\nGallery walk 10 gallery\nVote 5 vote")
>>> [(r.name, r.minutes, r.kind) for r in plan.rounds]
[('Эскиз', 25.0, 'sketch'), ('Gallery walk', 10.0, 'gallery'), ('Vote', 5.0, 'vote')]
>>> s = start(RoundState(plan), 0, now=1000.0)
>>> remaining(s, now=1060.0)
1440.0
>>> editing_open(s, now=1060.0), editing_open(end(s, now=1100.0), now=1100.0)
(True, False)
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

from codesign.errors import CodesignError

__all__ = [
    "ROUND_ACTIONS",
    "ROUND_KINDS",
    "Round",
    "RoundPlan",
    "RoundState",
    "available_actions",
    "editing_open",
    "effective_status",
    "end",
    "pause",
    "plan_text",
    "remaining",
    "reopen",
    "resume",
    "start",
    "state_from_json",
    "state_to_json",
    "voting_open",
]

RoundKind = Literal["sketch", "gallery", "vote", "discussion"]
ROUND_KINDS: tuple[RoundKind, ...] = ("sketch", "gallery", "vote", "discussion")
Status = Literal["idle", "running", "paused", "ended"]
#: A kind as typed at the end of a line of the plan, lower-cased.
_KIND_NAMES: dict[str, RoundKind] = {kind: kind for kind in ROUND_KINDS}
_KIND_WORDS: dict[RoundKind, tuple[str, ...]] = {
    "sketch": ("sketch", "эскиз", "рисуем", "рисование", "эскиз салу", "сурет"),
    "gallery": ("gallery", "галерея", "галерея концепций", "көрме", "галерея"),
    "vote": ("vote", "voting", "голосование", "дауыс", "дауыс беру"),
    "discussion": ("discussion", "обсуждение", "талқылау"),
}


@dataclass(frozen=True)
class Round:
    """One phase of the workshop."""

    name: str
    minutes: float
    kind: RoundKind = "sketch"


@dataclass(frozen=True)
class RoundPlan:
    """The phases the facilitator defined, in order."""

    rounds: tuple[Round, ...] = ()

    @classmethod
    def parse(cls, text: str) -> RoundPlan:
        """One round per line: ``name minutes [kind]``; the kind is guessed from the name.

        Raises :class:`CodesignError` (``rounds.bad_line``) naming the line that is wrong.

        Parameters
        ----------
        text
            The lines the facilitator typed (blank lines are skipped; at most 30 rounds).

        Returns
        -------
        RoundPlan
            The rounds, in order.
        """
        rounds = []
        for number, line in enumerate(text.splitlines(), start=1):
            line = line.strip()
            if not line:
                continue
            match = re.fullmatch(r"(.+?)\s+(\d+(?:[.,]\d+)?)\s*(?:min|мин|мин\.|минут)?\s*([a-z]+)?", line, re.I)
            if not match:
                raise CodesignError("rounds.bad_line", line=number, text=line[:60])
            name, minutes, kind = match.group(1).strip(), float(match.group(2).replace(",", ".")), match.group(3)
            if not 0 < minutes <= 24 * 60 or len(name) > 60:
                raise CodesignError("rounds.bad_line", line=number, text=line[:60])
            named = _KIND_NAMES.get(kind.lower()) if kind is not None else None
            rounds.append(Round(name, minutes, named or _guess_kind(name)))
        if len(rounds) > 30:
            raise CodesignError("rounds.too_many", limit=30)
        return cls(tuple(rounds))


def _guess_kind(name: str) -> RoundKind:
    lowered = name.casefold()
    for kind, words in _KIND_WORDS.items():
        if any(word in lowered for word in words):
            return kind
    return "discussion"


@dataclass(frozen=True)
class RoundState:
    """Where the workshop is: which round, running or not, and the time it has used."""

    plan: RoundPlan = field(default_factory=RoundPlan)
    current: int | None = None
    status: Status = "idle"
    started_at: float | None = None  # when the current run segment began
    used_seconds: float = 0.0  # time used before the current run segment
    extra_seconds: float = 0.0  # time added by reopening

    @property
    def round(self) -> Round | None:
        """The current round, if any.

        Returns
        -------
        Round or None
            ``None`` before the first round is started.
        """
        return None if self.current is None else self.plan.rounds[self.current]


def _require(state: RoundState, allowed: tuple[Status, ...], action: str) -> None:
    if state.status not in allowed:
        raise CodesignError("rounds.not_now", action=action, status=state.status)


def start(state: RoundState, index: int, now: float) -> RoundState:
    """Start round ``index`` from its full time (any running round is left).

    Parameters
    ----------
    state
        The rounds and where the workshop is in them.
    index
        The round to start (0-based).
    now
        The time, in seconds since the epoch.

    Returns
    -------
    RoundState
        The round running.
    """
    if not 0 <= index < len(state.plan.rounds):
        raise CodesignError("rounds.no_such_round", index=index + 1)
    return replace(state, current=index, status="running", started_at=now, used_seconds=0.0, extra_seconds=0.0)


def pause(state: RoundState, now: float) -> RoundState:
    """Stop the clock of the running round.

    Parameters
    ----------
    state
        The rounds and where the workshop is in them.
    now
        The time, in seconds since the epoch.

    Returns
    -------
    RoundState
        The round paused.
    """
    _require(state, ("running",), "pause")
    return replace(state, status="paused", used_seconds=_used(state, now), started_at=None)


def resume(state: RoundState, now: float) -> RoundState:
    """Restart the clock of a paused round.

    Parameters
    ----------
    state
        The rounds and where the workshop is in them.
    now
        The time, in seconds since the epoch.

    Returns
    -------
    RoundState
        The round running again.
    """
    _require(state, ("paused",), "resume")
    return replace(state, status="running", started_at=now)


def end(state: RoundState, now: float) -> RoundState:
    """End the current round now (editing locks if it was a sketch round).

    Parameters
    ----------
    state
        The rounds and where the workshop is in them.
    now
        The time, in seconds since the epoch.

    Returns
    -------
    RoundState
        The round ended.
    """
    _require(state, ("running", "paused"), "end")
    return replace(state, status="ended", used_seconds=_used(state, now), started_at=None)


def reopen(state: RoundState, now: float, extra_minutes: float = 5) -> RoundState:
    """Reopen an ended round with at least ``extra_minutes`` on the clock.

    Parameters
    ----------
    state
        The rounds and where the workshop is in them.
    now
        The time, in seconds since the epoch.
    extra_minutes
        The least time left after reopening.

    Returns
    -------
    RoundState
        The round running again.
    """
    if effective_status(state, now) != "ended":
        raise CodesignError("rounds.not_now", action="reopen", status=state.status)
    assert state.round is not None
    # time past the end of the round (ran out while nobody pressed "end") does not count
    used = min(_used(state, now), state.round.minutes * 60 + state.extra_seconds)
    needed = max(0.0, extra_minutes * 60 - remaining(state, now))
    return replace(
        state, status="running", started_at=now, used_seconds=used, extra_seconds=state.extra_seconds + needed
    )


def _used(state: RoundState, now: float) -> float:
    running = now - state.started_at if state.status == "running" and state.started_at is not None else 0.0
    return state.used_seconds + max(0.0, running)


def remaining(state: RoundState, now: float) -> float:
    """Seconds left in the current round.

    Parameters
    ----------
    state
        The rounds and where the workshop is in them.
    now
        The time, in seconds since the epoch.

    Returns
    -------
    float
        0 when there is no round or its time is over.
    """
    if state.round is None:
        return 0.0
    return max(0.0, state.round.minutes * 60 + state.extra_seconds - _used(state, now))


def effective_status(state: RoundState, now: float) -> Status:
    """The status as the room sees it: a running round whose time is up has ended.

    Parameters
    ----------
    state
        The rounds and where the workshop is in them.
    now
        The time, in seconds since the epoch.

    Returns
    -------
    Status
        ``idle``, ``running``, ``paused`` or ``ended``.
    """
    if state.status == "running" and remaining(state, now) <= 0:
        return "ended"
    return state.status


def editing_open(state: RoundState, now: float) -> bool:
    """Whether tablets may change concepts: before any round, or in a live sketch round.

    Parameters
    ----------
    state
        The rounds and where the workshop is in them.
    now
        The time, in seconds since the epoch.

    Returns
    -------
    bool
        True while editing is open.
    """
    if state.round is None or state.status == "idle":
        return True
    return state.round.kind == "sketch" and effective_status(state, now) in ("running", "paused")


def voting_open(state: RoundState, now: float) -> bool:
    """Whether dots may be placed: only in a vote round that is running or paused.

    Parameters
    ----------
    state
        The rounds and where the workshop is in them.
    now
        The time, in seconds since the epoch.

    Returns
    -------
    bool
        True while voting is open.
    """
    return (
        state.round is not None and state.round.kind == "vote" and effective_status(state, now) in ("running", "paused")
    )


#: What the facilitator can do to the current round, in the order the projector offers it.
ROUND_ACTIONS = ("pause", "resume", "end", "reopen")
_ACTIONS_WHEN: dict[str, frozenset[str]] = {
    "running": frozenset({"pause", "end"}),
    "paused": frozenset({"resume", "end"}),
    "ended": frozenset({"reopen"}),
}


def available_actions(state: RoundState, now: float) -> frozenset[str]:
    """Which of :data:`ROUND_ACTIONS` the current round allows now, as the room sees it.

    A running round whose time is up has ended (:func:`effective_status`): it can be reopened.

    >>> s = start(RoundState(RoundPlan.parse("Sketch 1")), 0, now=0.0)
    >>> sorted(available_actions(s, now=30.0)), sorted(available_actions(s, now=61.0))
    (['end', 'pause'], ['reopen'])

    Parameters
    ----------
    state : RoundState
        The rounds.
    now : float
        The time, in seconds since the epoch.

    Returns
    -------
    frozenset of str
        The actions allowed (none before the first round).
    """
    if state.round is None:
        return frozenset()
    return _ACTIONS_WHEN.get(effective_status(state, now), frozenset())


def plan_text(plan: RoundPlan) -> str:
    r"""The plan as the lines :meth:`RoundPlan.parse` reads back (``name minutes kind``).

    >>> plan_text(RoundPlan.parse("Эскиз 25\nVote 2.5 vote"))
    'Эскиз 25 sketch\nVote 2.5 vote'

    Parameters
    ----------
    plan : RoundPlan
        The rounds.

    Returns
    -------
    str
        One line per round; "" for no rounds.
    """
    return "\n".join(f"{r.name} {r.minutes:g} {r.kind}" for r in plan.rounds)


def state_to_json(state: RoundState) -> dict[str, Any]:
    """The state as JSON-ready data.

    Parameters
    ----------
    state
        The round state.

    Returns
    -------
    dict
        What :func:`state_from_json` reads back.
    """
    return asdict(state)


def state_from_json(data: dict[str, Any]) -> RoundState:
    """Read what :func:`state_to_json` wrote.

    Parameters
    ----------
    data
        The stored document.

    Returns
    -------
    RoundState
        The round state.
    """
    plan = RoundPlan(tuple(Round(**r) for r in data.get("plan", {}).get("rounds", [])))
    fields = {k: v for k, v in data.items() if k != "plan"}
    return RoundState(plan=plan, **fields)
