"""Rounds as a state machine on an injected clock; dot-voting rules; join codes."""

from __future__ import annotations

import pytest

from codesign.domain.access import join_code, team_for_code
from codesign.domain.rounds import (
    Round,
    RoundPlan,
    RoundState,
    editing_open,
    effective_status,
    end,
    pause,
    remaining,
    reopen,
    resume,
    start,
    voting_open,
)
from codesign.domain.votes import Vote, VotingRules, cast, dots_left, retract, tally
from codesign.errors import AccessDenied, CodesignError, VoteRefused

PLAN = RoundPlan((Round("Эскиз", 25, "sketch"), Round("Галерея", 10, "gallery"), Round("Голосование", 5, "vote")))


def test_start_pause_resume_end_reopen_with_an_injected_clock():
    s = start(RoundState(PLAN), 0, now=0)
    assert remaining(s, now=60) == 24 * 60
    s = pause(s, now=300)  # 5 min used
    assert remaining(s, now=10_000) == 20 * 60  # the clock stands still while paused
    assert editing_open(s, now=10_000)
    s = resume(s, now=10_000)
    assert remaining(s, now=10_060) == 19 * 60
    s = end(s, now=10_120)
    assert effective_status(s, now=10_120) == "ended"
    assert not editing_open(s, now=10_120)
    s = reopen(s, now=20_000, extra_minutes=5)
    assert effective_status(s, now=20_000) == "running"
    assert remaining(s, now=20_000) == 18 * 60  # 18 min were still left: reopening never takes time away
    assert editing_open(s, now=20_000)


def test_time_running_out_ends_the_round_and_locks_editing():
    s = start(RoundState(PLAN), 0, now=0)
    assert editing_open(s, now=25 * 60 - 1)
    assert effective_status(s, now=25 * 60) == "ended"
    assert not editing_open(s, now=25 * 60)
    s = reopen(s, now=30 * 60, extra_minutes=3)
    assert remaining(s, now=30 * 60) == 3 * 60


def test_rounds_refuse_impossible_moves():
    idle = RoundState(PLAN)
    assert editing_open(idle, now=0)  # before the workshop starts, teams may draw
    with pytest.raises(CodesignError):
        pause(idle, now=0)
    running = start(idle, 1, now=0)
    with pytest.raises(CodesignError):
        resume(running, now=1)
    with pytest.raises(CodesignError):
        reopen(running, now=1)
    with pytest.raises(CodesignError):
        start(idle, 7, now=0)
    assert not editing_open(running, now=1)  # gallery walk: look, don't draw


def test_vote_round_opens_voting_only_while_it_runs():
    s = start(RoundState(PLAN), 2, now=0)
    assert voting_open(s, now=10)
    assert not voting_open(end(s, now=20), now=20)
    assert not voting_open(start(RoundState(PLAN), 0, now=0), now=10)


def test_round_plan_parsed_from_the_facilitators_lines():
    plan = RoundPlan.parse("Эскиз 25 мин\nGallery walk 10\nДауыс беру 5\nDiscussion 15")
    assert [(r.name, r.minutes, r.kind) for r in plan.rounds] == [
        ("Эскиз", 25, "sketch"),
        ("Gallery walk", 10, "gallery"),
        ("Дауыс беру", 5, "vote"),
        ("Discussion", 15, "discussion"),
    ]
    with pytest.raises(CodesignError) as err:
        RoundPlan.parse("Эскиз\nВторая строка без минут")
    assert err.value.params["line"] == 1


RULES = VotingRules(dots=3)


def test_budget_self_votes_and_closed_round():
    votes = ()
    for feature in ("f1", "f2", "f2"):
        votes = cast(votes, Vote("team-1", "", "team-2", feature), RULES, is_open=True)
    assert dots_left(votes, "team-1", "", RULES) == 0
    with pytest.raises(VoteRefused) as err:
        cast(votes, Vote("team-1", "", "team-3", "f1"), RULES, is_open=True)
    assert err.value.key == "votes.budget"
    with pytest.raises(VoteRefused) as err:
        cast((), Vote("team-2", "", "team-2", "f1"), RULES, is_open=True)
    assert err.value.key == "votes.self"
    assert tally(votes) == {("team-2", "f2"): 2, ("team-2", "f1"): 1}
    votes = retract(votes, Vote("team-1", "", "team-2", "f2"), RULES, is_open=True)
    assert tally(votes) == {("team-2", "f1"): 1, ("team-2", "f2"): 1}


def test_one_change_after_the_round_ends_is_refused():
    votes = cast((), Vote("team-1", "", "team-2", "f1"), RULES, is_open=True)
    with pytest.raises(VoteRefused) as err:
        cast(votes, Vote("team-1", "", "team-2", "f2"), RULES, is_open=False)
    assert err.value.key == "votes.closed"
    with pytest.raises(VoteRefused):
        retract(votes, Vote("team-1", "", "team-2", "f1"), RULES, is_open=False)


def test_participant_mode_gives_each_participant_their_own_dots():
    rules = VotingRules(dots=1, mode="participant")
    votes = cast((), Vote("team-1", "1", "team-2", "f1"), rules, is_open=True)
    votes = cast(votes, Vote("team-1", "2", "team-2", "f1"), rules, is_open=True)
    assert tally(votes) == {("team-2", "f1"): 2}
    with pytest.raises(VoteRefused):
        cast(votes, Vote("team-1", "1", "team-3", "f1"), rules, is_open=True)
    with pytest.raises(VoteRefused) as err:
        cast(votes, Vote("team-1", "", "team-3", "f1"), rules, is_open=True)
    assert err.value.key == "votes.participant"


def test_rounds_and_votes_persist_in_the_store(store):
    session = store.create_session(site="aksu-city-square", title="Форум", teams=[("A", None), ("B", None)])
    store.update_rounds(session.id, lambda s: start(RoundState(PLAN), 0, now=100))
    assert store.load_rounds(session.id).status == "running"
    store.update_votes(session.id, lambda rv: (VotingRules(dots=5), rv[1]))
    store.update_votes(
        session.id, lambda rv: (rv[0], cast(rv[1], Vote("team-1", "", "team-2", "f1"), rv[0], is_open=True))
    )
    rules, votes = store.load_votes(session.id)
    assert rules.dots == 5
    assert tally(votes) == {("team-2", "f1"): 1}


def test_join_codes_are_short_and_find_their_team(store):
    session = store.create_session(site="aksu-city-square", title="Форум", teams=[("A", None), ("B", None)])
    code = join_code(session.teams[1].token)
    assert len(code) == 7
    assert code[3] == "-"
    assert team_for_code([session], code.lower().replace("-", " "))[1].id == "team-2"
    with pytest.raises(AccessDenied):
        team_for_code([session], "AAA-AAA")


def test_anyone_may_vote_on_an_agreed_area():
    from codesign.domain.votes import CONSENSUS_TARGET

    votes = cast((), Vote("team-1", "", CONSENSUS_TARGET, "playground"), RULES, is_open=True)
    votes = cast(votes, Vote("team-2", "", CONSENSUS_TARGET, "playground"), RULES, is_open=True)
    assert tally(votes) == {(CONSENSUS_TARGET, "playground"): 2}
