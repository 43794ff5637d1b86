"""The write gate: link valid, round open, owner right, then the store (on both stores)."""

from __future__ import annotations

import pytest

from codesign.domain.concept import Concept
from codesign.domain.rounds import RoundPlan, end, start
from codesign.domain.session import PLAN_OWNER, VISION_OWNER
from codesign.domain.votes import Vote
from codesign.errors import AccessDenied, VoteRefused
from codesign.i18n import LANGUAGES, catalogue
from codesign.services.gate import WriteGate, Writer, WriteRefused

T0 = 1_000_000.0  # the injected clock: the round starts here
PLAN = "Эскиз 25 sketch\nГалерея 10 gallery\nГолосование 5 vote"


@pytest.fixture
def room(store):
    """A session of three teams with one saved concept each (version 1)."""
    session = store.create_session(
        site="aksu-city-square", title="Форум", teams=[("A", None), ("B", None), ("C", None)]
    )
    for team in session.teams:
        store.save_concept(session.id, team.id, Concept(session.site, team.id, title=team.name), 0)
    return store, session


def in_round(store, session, index: int, *, ended: bool = False) -> None:
    from codesign.domain.rounds import RoundState

    def change(state):
        state = start(RoundState(RoundPlan.parse(PLAN)), index, now=T0)
        return end(state, now=T0 + 30) if ended else state

    store.update_rounds(session.id, change)


def team_gate(store, session, index: int = 0, *, at: float = T0 + 60, token: str | None = None) -> WriteGate:
    team = session.teams[index]
    return WriteGate(store, session.id, Writer.team(team.id, team.token if token is None else token), clock=lambda: at)


def versions(store, session) -> dict[str, int]:
    owners = [t.id for t in session.teams] + [VISION_OWNER, PLAN_OWNER]
    return {owner: store.latest_version(session.id, owner) for owner in owners}


def refused(call, key: str) -> None:
    with pytest.raises(WriteRefused) as caught:
        call()
    assert caught.value.key == key
    for lang in LANGUAGES:
        assert catalogue(lang)[key]  # the reason is written in every language


# ----------------------------------------------------------------------------- concepts


def test_a_team_saves_its_own_concept_before_any_round(room):
    store, session = room
    saved = team_gate(store, session).save_concept("team-1", Concept(session.site, "team-1", title="v2"), 1)
    assert (saved.version, store.load_latest(session.id, "team-1").title) == (2, "v2")


def test_a_team_saves_in_a_running_sketch_round(room):
    store, session = room
    in_round(store, session, 0)
    team_gate(store, session, at=T0 + 60).save_concept("team-1", Concept(session.site, "team-1"), 1)
    assert store.latest_version(session.id, "team-1") == 2


def test_a_revoked_link_saves_nothing(room):
    store, session = room
    store.reissue_token(session.id, "team-1")
    before = versions(store, session)
    gate = team_gate(store, session)  # the old token
    refused(lambda: gate.save_concept("team-1", Concept(session.site, "team-1"), 1), "sketch.link_revoked")
    assert versions(store, session) == before


@pytest.mark.parametrize("token", ["", "nonsense", "REVIEW", "OTHER-TEAM"])
def test_a_token_that_is_not_the_teams_saves_nothing(room, token):
    store, session = room
    token = {"REVIEW": session.review_token, "OTHER-TEAM": session.teams[1].token}.get(token, token)
    before = versions(store, session)
    gate = team_gate(store, session, token=token)
    refused(lambda: gate.save_concept("team-1", Concept(session.site, "team-1"), 1), "sketch.link_revoked")
    assert versions(store, session) == before


@pytest.mark.parametrize(
    ("round_index", "ended", "at", "key"),
    [
        (0, True, T0 + 60, "room.locked_save"),  # the facilitator ended the sketch round
        (0, False, T0 + 25 * 60 + 1, "room.locked_save"),  # the sketch round ran out of time
        (1, False, T0 + 60, "room.locked_save"),  # gallery walk
        (2, False, T0 + 60, "room.locked_vote_round"),  # vote round
        (2, True, T0 + 60, "room.locked_save"),  # after the vote
    ],
)
def test_a_closed_round_saves_nothing(room, round_index, ended, at, key):
    store, session = room
    in_round(store, session, round_index, ended=ended)
    before = versions(store, session)
    gate = team_gate(store, session, at=at)
    refused(lambda: gate.save_concept("team-1", Concept(session.site, "team-1"), 1), key)
    assert versions(store, session) == before


def test_the_round_is_judged_by_the_injected_clock(room):
    store, session = room
    in_round(store, session, 0)
    team_gate(store, session, at=T0 + 25 * 60 - 1).save_concept("team-1", Concept(session.site, "team-1"), 1)
    gate = team_gate(store, session, at=T0 + 25 * 60)
    refused(lambda: gate.save_concept("team-1", Concept(session.site, "team-1"), 2), "room.locked_save")
    assert store.latest_version(session.id, "team-1") == 2


@pytest.mark.parametrize("owner", ["team-2", VISION_OWNER, PLAN_OWNER])
def test_a_team_writes_no_other_concept(room, owner):
    store, session = room
    before = versions(store, session)
    gate = team_gate(store, session)
    refused(lambda: gate.save_concept(owner, Concept(session.site, owner), before[owner]), "write.not_owner")
    assert versions(store, session) == before


def test_the_owner_check_comes_first_even_with_a_revoked_link(room):
    store, session = room
    store.reissue_token(session.id, "team-1")
    gate = team_gate(store, session)
    refused(lambda: gate.check_concept_write(VISION_OWNER), "write.not_owner")


@pytest.mark.parametrize("owner", [VISION_OWNER, PLAN_OWNER])
def test_the_facilitator_writes_the_vision_and_the_plan_in_any_round(room, owner):
    store, session = room
    in_round(store, session, 2)  # the vote round: tablets are locked, the facilitator is not
    gate = WriteGate(store, session.id, Writer.facilitator(), clock=lambda: T0 + 60)
    assert gate.save_concept(owner, Concept(session.site, owner), 0).version == 1


def test_a_refusal_is_an_access_denied(room):
    store, session = room
    store.reissue_token(session.id, "team-1")
    with pytest.raises(AccessDenied):
        team_gate(store, session).check_link()


# ----------------------------------------------------------------------------- dots


def dot(voter: str = "team-1", target: str = "team-2") -> Vote:
    return Vote(voter, "", target, "f1")


def test_a_team_places_and_takes_back_a_dot_in_the_vote_round(room):
    store, session = room
    in_round(store, session, 2)
    gate = team_gate(store, session)
    gate.change_dot(dot())
    assert store.load_votes(session.id)[1] == (dot(),)
    gate.change_dot(dot(), take_back=True)
    assert store.load_votes(session.id)[1] == ()


def test_a_revoked_link_places_no_dot(room):
    store, session = room
    in_round(store, session, 2)
    team_gate(store, session).change_dot(dot())
    store.reissue_token(session.id, "team-1")
    gate = team_gate(store, session)
    refused(lambda: gate.change_dot(dot(target="team-3")), "sketch.link_revoked")
    refused(lambda: gate.change_dot(dot(), take_back=True), "sketch.link_revoked")
    assert store.load_votes(session.id)[1] == (dot(),)


@pytest.mark.parametrize(("round_index", "ended"), [(None, False), (0, False), (1, False), (2, True)])
def test_no_dot_outside_a_live_vote_round(room, round_index, ended):
    store, session = room
    if round_index is not None:
        in_round(store, session, round_index, ended=ended)
    with pytest.raises(VoteRefused) as caught:
        team_gate(store, session).change_dot(dot())
    assert caught.value.key == "votes.closed"
    assert store.load_votes(session.id)[1] == ()


def test_a_team_places_no_dot_in_another_teams_name(room):
    store, session = room
    in_round(store, session, 2)
    gate = team_gate(store, session)
    refused(lambda: gate.change_dot(dot(voter="team-3")), "write.not_owner")
    facilitator = WriteGate(store, session.id, Writer.facilitator(), clock=lambda: T0 + 60)
    refused(lambda: facilitator.change_dot(dot()), "write.not_owner")
    assert store.load_votes(session.id)[1] == ()
