"""The room in the store (codesign.storage.room.RoomStore): presence, desk grants, dispute votes.

Checked on the file store and on PostGIS alike, and across two store objects on one store (two
app processes): what one records, the other sees.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from shapely.geometry import box

from codesign.domain.desks import DeskGrant, desk_is_valid, issue_desk, token_digest
from codesign.domain.disputes import DisputedRegion, cast_ballot, close_vote, open_vote
from codesign.domain.presence import connected_teams
from codesign.errors import InvalidIdentifier, SessionNotFound, VoteRefused

T0 = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


class Clock:
    def __init__(self, at: datetime = T0) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


def test_presence_is_shared_by_two_processes_on_one_store(store, reopen_store):
    clock = Clock()
    tablets, projector = reopen_store(clock), reopen_store(clock)
    s = tablets.create_session(site="aksu-city-square", title="Форум", teams=[("A", None), ("B", None)])
    assert projector.presence(s.id) == {}
    tablets.record_presence(s.id, "team-1")
    clock.at = T0 + timedelta(seconds=20)
    tablets.record_presence(s.id, "team-2")
    seen = projector.presence(s.id)
    assert seen == pytest.approx({"team-1": T0.timestamp(), "team-2": T0.timestamp() + 20}, abs=1e-3)
    assert connected_teams(seen, now=T0.timestamp() + 30, within=15) == ["team-2"]
    assert connected_teams(seen, now=T0.timestamp() + 30, within=60) == ["team-1", "team-2"]
    clock.at = T0 + timedelta(seconds=40)
    tablets.record_presence(s.id, "team-1")  # a newer heartbeat replaces the older one
    assert projector.presence(s.id)["team-1"] == pytest.approx(T0.timestamp() + 40, abs=1e-3)


def test_presence_refuses_unknown_sessions_and_bad_team_ids(store):
    s = store.create_session(site="aksu-city-square", title="Форум", teams=[("A", None)])
    with pytest.raises(SessionNotFound):
        store.record_presence("2026-12-03-none", "team-1")
    with pytest.raises(SessionNotFound):
        store.presence("2026-12-03-none")
    with pytest.raises(InvalidIdentifier):
        store.record_presence(s.id, "../x")


def test_desk_grants_are_found_by_digest_revoked_one_or_all_and_dropped_after_expiry(store, reopen_store):
    clock = Clock()
    one, other = reopen_store(clock), reopen_store(clock)
    token, grant = issue_desk("facilitator", "0123456789abcdef", now=T0, utc_offset_minutes=300)
    r_token, r_grant = issue_desk("reviewer", "review-token", now=T0, session_id="2026-12-03-abcd")
    one.add_desk(grant)
    one.add_desk(r_grant)
    found = other.find_desk(token_digest(token))
    assert found == grant
    assert desk_is_valid(found, token, "0123456789abcdef", now=T0)
    assert token not in repr(other.desks())  # the store keeps digests, never tokens
    assert other.find_desk(token_digest(r_token)) == r_grant
    assert other.find_desk(token_digest("not-a-token")) is None
    assert other.revoke_desks(token_digest(token)) == 1
    assert one.find_desk(token_digest(token)) is None
    assert one.find_desk(r_grant.digest) == r_grant
    one.add_desk(grant)
    assert other.revoke_desks() == 2  # sign out every desk
    assert one.desks() == []
    # expired grants are dropped when the next desk signs in
    one.add_desk(grant)
    clock.at = datetime.fromisoformat(grant.expires_at) + timedelta(seconds=1)
    assert not desk_is_valid(one.find_desk(grant.digest), token, "0123456789abcdef", now=clock.at)
    _, later = issue_desk("facilitator", "0123456789abcdef", now=clock.at)
    one.add_desk(later)
    assert [g.digest for g in other.desks()] == [later.digest]


def test_desk_grants_read_back_exactly(store):
    grant = DeskGrant(
        "ab" * 32, "cd" * 32, "reviewer", "2026-12-03-abcd", "2026-12-03T09:00:00+00:00", "2026-12-03T23:00:00+00:00"
    )
    store.add_desk(grant)
    assert store.find_desk(grant.digest) == grant
    assert store.desks() == [grant]


def test_a_dispute_vote_is_stored_and_changed_atomically(store, reopen_store):
    s = store.create_session(site="aksu-city-square", title="Форум", teams=[("A", None), ("B", None)])
    assert store.load_disputes(s.id).status == "none"
    region = DisputedRegion("r1", box(76.93, 52.03, 76.931, 52.031), 812.5, ("playground", "lawn"), (1.5, 1.0))
    store.update_disputes(
        s.id, lambda _: open_vote((region,), opened_at="2026-12-03T10:00:00+00:00", voices=("team-1", "team-2"))
    )
    other = reopen_store()
    other.update_disputes(s.id, lambda v: cast_ballot(v, "team-1", "r1", "lawn"))
    store.update_disputes(s.id, lambda v: cast_ballot(v, "team-2", "r1", "playground"))
    vote = other.load_disputes(s.id)
    assert vote.is_open
    assert [(b.team, b.choice) for b in vote.ballots] == [("team-1", "lawn"), ("team-2", "playground")]
    assert vote.regions[0].geometry.equals_exact(region.geometry, 1e-12)
    assert vote.regions[0].area_m2 == 812.5
    assert vote.regions[0].support == (1.5, 1.0)
    store.update_disputes(s.id, close_vote)
    with pytest.raises(VoteRefused):
        other.update_disputes(s.id, lambda v: cast_ballot(v, "team-1", "r1", "playground"))
    assert store.load_disputes(s.id).ballot_of("team-1", "r1") == "lawn"  # the refused ballot changed nothing
    with pytest.raises(SessionNotFound):
        store.update_disputes("2026-12-03-none", close_vote)


def test_store_copy_carries_the_dispute_vote(store, tmp_path):
    from codesign.storage.copy import copy_sessions
    from codesign.storage.files import FileStore

    s = store.create_session(site="aksu-city-square", title="Форум", teams=[("A", None)])
    region = DisputedRegion("r1", box(76.93, 52.03, 76.931, 52.031), 100.0, ("playground", "lawn"), (1.0, 1.0))
    opened = open_vote((region,), opened_at="2026-12-03T10:00:00+00:00", voices=("team-1",))
    store.update_disputes(s.id, lambda _: cast_ballot(opened, "team-1", "r1", "lawn"))
    target = FileStore(tmp_path / "copy")
    copy_sessions(store, target)
    assert target.load_disputes(s.id).ballots == store.load_disputes(s.id).ballots
    assert target.load_disputes(s.id).regions[0].choices == ("playground", "lawn")
