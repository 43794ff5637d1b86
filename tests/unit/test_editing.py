"""EditSession without a browser: commit, undo, retry, conflicts between tablets, the gate's refusals.

Each test edits through the real write gate over a FileStore in a temporary folder (or a store
made to fail), and checks the status, the concept on screen and what the store holds.
"""

from __future__ import annotations

import time
from dataclasses import replace

import pytest
from shapely.geometry import Point

from codesign.domain.concept import Concept, ConceptFeature
from codesign.domain.editing import (
    UNDO_DEPTH,
    EditorMode,
    EditSession,
    EditStatus,
    Message,
    Resolution,
    Status,
    editor_mode,
)
from codesign.domain.notices import Notice
from codesign.domain.presence import EDITING_WITHIN_S, TeamActivity, connected_teams, team_activity
from codesign.domain.rounds import RoundPlan, RoundState, end, start
from codesign.domain.site import load_site
from codesign.errors import SessionConflictError, StoreError
from codesign.services.gate import WriteGate, Writer
from codesign.storage.files import FileStore

SITE = load_site("aksu-city-square")
C = SITE.boundary.centroid
PICKS = {"zone": "playground", "path": "walkway", "amenity": "bench"}
PLAN = "Sketch 25 sketch\nGallery 10 gallery\nVote 5 vote"


def feature(fid: str, cat: str, dx: float = 0.0) -> ConceptFeature:
    return ConceptFeature(fid, cat, Point(C.x + dx, C.y))


def point(dx: float = 0.0, draft: str = "d1") -> dict:
    return {
        "type": "Feature",
        "properties": {"draft": draft},
        "geometry": {"type": "Point", "coordinates": [C.x + dx, C.y]},
    }


@pytest.fixture
def room(tmp_path):
    store = FileStore(tmp_path / "sessions")
    session = store.create_session(site=SITE.id, title="Test", teams=[("A", None), ("B", None)])
    return store, session


def tablet(store, session, team_index: int = 0) -> EditSession:
    """Team ``team_index``'s tablet, opened now (through its link)."""
    team = session.teams[team_index]
    gate = WriteGate(store, session.id, Writer.team(team.id, team.token))
    return EditSession.open(gate, lambda: store.load_latest(session.id, team.id), owner=team.id, site=session.site)


def latest(store, session, team_index: int = 0) -> Concept | None:
    return store.load_latest(session.id, session.teams[team_index].id)


def set_round(store, session, index: int, *, ended: bool = False) -> None:
    def change(_):
        state = start(RoundState(RoundPlan.parse(PLAN)), index, now=time.time())
        return end(state, now=time.time()) if ended else state

    store.update_rounds(session.id, change)


# ----------------------------------------------------------------------------- open, commit


def test_opening_takes_the_latest_version_or_an_empty_concept(room):
    store, session = room
    empty = tablet(store, session)
    assert (empty.status, empty.concept, empty.can_undo) == (
        Status(EditStatus.LOADED),
        Concept(SITE.id, "team-1"),
        False,
    )
    store.save_concept(session.id, "team-1", Concept(SITE.id, "team-1", title="ours"), 0)
    opened = tablet(store, session)
    assert (opened.concept.version, opened.concept.title, opened.base.version) == (1, "ours", 1)


def test_a_commit_is_stored_at_once_as_a_new_version(room):
    store, session = room
    editing = tablet(store, session)
    status = editing.commit(replace(editing.concept, features=(feature("f1", "bench"),)))
    stored = latest(store, session)
    assert status == Status(EditStatus.SAVED, 1, stored.saved_at) == editing.status
    assert stored.saved_at
    assert [f.category for f in stored.features] == ["bench"]
    assert editing.concept == editing.base == stored
    assert editing.undo_stack == [Concept(SITE.id, "team-1")]


def test_the_same_content_again_stores_nothing(room):
    store, session = room
    editing = tablet(store, session)
    editing.commit(replace(editing.concept, title="a"))
    again = replace(editing.concept, version=7, saved_at="2020-01-01T00:00:00+00:00")  # version and time aside
    assert editing.commit(again) == Status(EditStatus.UNCHANGED)
    assert (store.latest_version(session.id, "team-1"), len(editing.undo_stack)) == (1, 1)


# ----------------------------------------------------------------------------- undo


def test_undo_stores_the_state_before_the_last_change_as_a_new_version(room):
    store, session = room
    editing = tablet(store, session)
    editing.commit(replace(editing.concept, title="a"))
    editing.commit(replace(editing.concept, title="b"))
    status = editing.undo()
    assert (status.kind, status.version) == (EditStatus.SAVED, 3)
    assert (latest(store, session).title, editing.concept.title) == ("a", "a")
    assert editing.messages == (Message("info", Notice("sketch.undone")),)
    assert editing.undo().version == 4
    assert latest(store, session).title == ""
    assert not editing.can_undo
    assert editing.undo() == Status(EditStatus.UNCHANGED)
    assert store.latest_version(session.id, "team-1") == 4


class Counter:
    """A gate that stores nothing and numbers the saves."""

    def __init__(self):
        self.saves = 0

    def save_concept(self, owner, concept, base_version):
        self.saves += 1
        return replace(concept, version=self.saves, saved_at="2026-06-01T10:00:00+00:00")

    def check_concept_write(self, owner):
        pass

    def check_owner(self, owner):
        pass

    def check_link(self):
        pass


def test_undo_goes_back_at_most_fifty_changes():
    gate = Counter()
    editing = EditSession.open(gate, lambda: None, owner="team-1", site=SITE.id)
    for n in range(60):
        editing.commit(replace(editing.concept, title=str(n)))
    assert (len(editing.undo_stack), UNDO_DEPTH) == (50, 50)
    assert editing.undo_stack[0].title == "9"  # the ten oldest states were dropped
    while editing.can_undo:
        editing.undo()
    assert (editing.concept.title, gate.saves) == ("9", 110)


# ----------------------------------------------------------------------------- failed saves and retry


def test_a_failed_save_keeps_the_change_here_and_retry_stores_it(room, monkeypatch):
    store, session = room
    editing = tablet(store, session)
    real_save = store.save_concept
    monkeypatch.setattr(store, "save_concept", lambda *a: (_ for _ in ()).throw(StoreError(reason="disk full")))
    status = editing.commit(replace(editing.concept, title="kept"))
    assert status == Status(EditStatus.FAILED, reason=Notice("save.failed", {"reason": "disk full"}))
    assert (editing.concept.title, editing.base.version, latest(store, session)) == ("kept", 0, None)
    assert editing.retry().kind is EditStatus.FAILED  # still full
    monkeypatch.setattr(store, "save_concept", real_save)
    status = editing.retry()
    assert (status.kind, status.version, latest(store, session).title) == (EditStatus.SAVED, 1, "kept")


def test_an_unforeseen_os_error_keeps_the_change_with_the_systems_words(room, monkeypatch):
    store, session = room
    editing = tablet(store, session)

    def broken(*args):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(store, "save_concept", broken)
    assert editing.commit(replace(editing.concept, title="kept")) == Status(
        EditStatus.FAILED, reason="Input/output error"
    )
    assert editing.concept.title == "kept"


# ----------------------------------------------------------------------------- conflicts


@pytest.fixture
def conflict(room):
    """Tablets A and B open version 1 (a bench f1); B saves first (a lamp, a title); A adds a toilet."""
    store, session = room
    store.save_concept(session.id, "team-1", Concept(SITE.id, "team-1", features=(feature("f1", "bench"),)), 0)
    a, b = tablet(store, session), tablet(store, session)
    b.commit(replace(b.concept, title="from B", features=(*b.concept.features, feature("f2", "lamp", 0.0001))))
    status = a.commit(replace(a.concept, features=(*a.concept.features, feature("f2", "toilet", -0.0001))))
    assert status == Status(EditStatus.CONFLICT, version=2) == a.status
    return store, session, a


def test_a_conflict_overwrites_nothing_and_later_changes_wait_for_the_choice(conflict):
    store, session, a = conflict
    assert latest(store, session).title == "from B"
    assert a.commit(replace(a.concept, description="more")) == Status(EditStatus.CONFLICT, version=2)
    assert (store.latest_version(session.id, "team-1"), a.concept.description, len(a.undo_stack)) == (2, "more", 2)


def test_while_a_conflict_waits_only_the_right_to_change_is_checked():
    class Behind(Counter):
        """Another tablet is always ahead: every save is a conflict; counts saves and checks."""

        def __init__(self):
            super().__init__()
            self.checks = 0

        def save_concept(self, owner, concept, base_version):
            self.saves += 1
            raise SessionConflictError(latest=5, base=base_version)

        def check_concept_write(self, owner):
            self.checks += 1

    gate = Behind()
    editing = EditSession.open(gate, lambda: None, owner="team-1", site=SITE.id)
    assert editing.commit(replace(editing.concept, title="a")) == Status(EditStatus.CONFLICT, version=5)
    editing.commit(replace(editing.concept, title="b"))
    editing.undo()
    assert (gate.saves, gate.checks, editing.concept.title) == (1, 2, "a")


def test_merge_puts_my_changes_on_theirs(conflict):
    store, session, a = conflict
    status = a.resolve(Resolution.MERGE)
    merged = latest(store, session)
    assert (status.kind, status.version) == (EditStatus.SAVED, 3)
    assert [(f.id, f.category) for f in merged.features] == [("f1", "bench"), ("f2", "lamp"), ("f3", "toilet")]
    assert merged.title == "from B"
    assert a.messages == ()
    assert a.base == merged


def test_a_merge_says_how_many_of_my_changes_lost_to_theirs(room):
    store, session = room
    store.save_concept(session.id, "team-1", Concept(SITE.id, "team-1", features=(feature("f1", "bench"),)), 0)
    a, b = tablet(store, session), tablet(store, session)
    b.commit(replace(b.concept, features=(feature("f1", "lamp"),)))
    a.commit(replace(a.concept, features=(feature("f1", "toilet"),)))  # the same feature: a conflict
    a.resolve(Resolution.MERGE)
    assert [f.category for f in latest(store, session).features] == ["lamp"]
    assert a.messages == (Message("warning", Notice("sketch.merge_lost", {"count": 1})),)


def test_taking_theirs_stores_nothing_and_forgets_my_changes(conflict):
    store, session, a = conflict
    status = a.resolve(Resolution.TAKE_THEIRS)
    theirs = latest(store, session)
    assert status == Status(EditStatus.SAVED, 2, theirs.saved_at)
    assert (a.concept, a.base, a.undo_stack, store.latest_version(session.id, "team-1")) == (theirs, theirs, [], 2)


def test_keeping_mine_stores_mine_on_theirs(conflict):
    store, session, a = conflict
    assert a.resolve(Resolution.KEEP_MINE).version == 3
    stored = latest(store, session)
    assert ([f.category for f in stored.features], stored.title) == (["bench", "toilet"], "")


# ----------------------------------------------------------------------------- the gate's refusals


def snapshot(editing: EditSession) -> tuple:
    return editing.concept, editing.base, list(editing.undo_stack), editing.status


@pytest.mark.parametrize(
    ("scenario", "key"),
    [("revoked", "sketch.link_revoked"), ("locked", "room.locked_save"), ("vote_round", "room.locked_vote_round")],
)
def test_a_refused_change_puts_the_session_back_and_says_why(room, scenario, key):
    store, session = room
    editing = tablet(store, session)
    editing.commit(replace(editing.concept, title="first"))
    before = snapshot(editing)
    if scenario == "revoked":
        store.reissue_token(session.id, "team-1")
    else:
        set_round(store, session, 0, ended=True) if scenario == "locked" else set_round(store, session, 2)
    for action in (
        lambda: editing.commit(replace(editing.concept, title="second")),
        editing.undo,
        editing.retry,
        lambda: editing.resolve(Resolution.KEEP_MINE),
        lambda: editing.restore(Concept(SITE.id, "team-1", title="old")),
    ):
        assert action() == Status(EditStatus.REFUSED, reason=Notice(key))
        assert snapshot(editing) == before
        assert editing.messages == (Message("error", Notice(key)),)
    assert store.latest_version(session.id, "team-1") == 1


def test_taking_theirs_works_in_a_closed_round_but_changes_then_are_refused(conflict):
    store, session, a = conflict
    set_round(store, session, 0, ended=True)
    assert a.resolve(Resolution.TAKE_THEIRS).kind is EditStatus.SAVED  # stores nothing: the round does not matter
    assert a.concept.title == "from B"
    refused = a.commit(replace(a.concept, title="after the bell"))
    assert (refused.reason, a.concept.title, store.latest_version(session.id, "team-1")) == (
        Notice("room.locked_save"),
        "from B",
        2,
    )


def test_a_revoked_link_reads_nothing_when_taking_theirs(conflict):
    store, session, a = conflict
    mine = a.concept
    store.reissue_token(session.id, "team-1")
    assert a.resolve(Resolution.TAKE_THEIRS) == Status(EditStatus.REFUSED, reason=Notice("sketch.link_revoked"))
    assert (a.concept, a.status.kind) == (mine, EditStatus.CONFLICT)


def test_a_change_while_a_conflict_waits_is_checked_too(conflict):
    store, session, a = conflict
    before = snapshot(a)
    set_round(store, session, 0, ended=True)
    assert a.undo() == Status(EditStatus.REFUSED, reason=Notice("room.locked_save"))
    assert snapshot(a) == before
    assert store.latest_version(session.id, "team-1") == 2


def test_writing_another_teams_concept_is_refused(room):
    store, session = room
    team = session.teams[0]
    gate = WriteGate(store, session.id, Writer.team(team.id, team.token))
    theirs = EditSession.open(gate, lambda: store.load_latest(session.id, "team-2"), owner="team-2", site=SITE.id)
    assert theirs.commit(Concept(SITE.id, "team-2", title="mine now")).reason == Notice("write.not_owner")
    assert store.latest_version(session.id, "team-2") == 0


# ----------------------------------------------------------------------------- drawings and the panel


def test_drawings_become_features_once_with_their_notices(room):
    store, session = room
    editing = tablet(store, session)
    b = SITE.boundary.bounds
    half_outside = {
        "type": "Feature",
        "properties": {"draft": "d2"},
        "geometry": {
            "type": "Polygon",
            "coordinates": [
                [[C.x, C.y], [b[2] + 0.001, C.y], [b[2] + 0.001, C.y + 0.0002], [C.x, C.y + 0.0002], [C.x, C.y]]
            ],
        },
    }
    drawings = [point(1.0, draft="far"), point(), half_outside]
    drawn = editing.draw(drawings, SITE.frame, PICKS)
    assert (drawn.status.kind, drawn.status.version, drawn.new_feature) == (EditStatus.SAVED, 1, "f2")
    assert [(f.id, f.category) for f in latest(store, session).features] == [("f1", "bench"), ("f2", "playground")]
    assert editing.drafts == {"d1": "f1", "d2": "f2"}
    assert [(m.level, m.notice.key) for m in editing.messages] == [
        ("warning", "geometry.clipped_zone"),
        ("error", "geometry.point_outside"),
    ]
    assert editing.draw(list(drawings), SITE.frame, PICKS).status == Status(EditStatus.UNCHANGED)  # seen already
    assert editing.draw(None, SITE.frame, PICKS).status == Status(EditStatus.UNCHANGED)
    assert editing.draw("junk", SITE.frame, PICKS).status == Status(EditStatus.UNCHANGED)
    assert store.latest_version(session.id, "team-1") == 1


def test_a_refused_drawing_is_not_shown_in_the_panel(room):
    store, session = room
    editing = tablet(store, session)
    store.reissue_token(session.id, "team-1")
    drawn = editing.draw([point()], SITE.frame, PICKS)
    assert drawn.status == Status(EditStatus.REFUSED, reason=Notice("sketch.link_revoked"))
    assert (drawn.new_feature, editing.concept.features, latest(store, session)) == (None, (), None)


def test_feature_and_metadata_edits_are_committed_or_invalid(room):
    store, session = room
    editing = tablet(store, session)
    editing.commit(replace(editing.concept, features=(feature("f1", "bench"),)))
    assert editing.edit_feature("f1", category_id="lamp", label="by the gate", note="").version == 2
    assert (latest(store, session).feature("f1").category, latest(store, session).feature("f1").label) == (
        "lamp",
        "by the gate",
    )
    invalid = editing.edit_feature("f1", category_id="playground", label="", note="")
    assert invalid == Status(
        EditStatus.INVALID, reason=Notice("error.kind_change", {"old": "lamp", "new": "playground"})
    )
    assert editing.edit_metadata(title="x" * 121, description="").reason.key == "concept.too_long"
    assert editing.edit_metadata(title="Shade", description="Trees").version == 3
    assert editing.delete_feature("f1").version == 4
    assert editing.delete_feature("f1").reason == Notice("error.feature_not_found", {"feature": "f1"})
    assert (latest(store, session).features, latest(store, session).title) == ((), "Shade")


def test_restoring_an_earlier_version_stores_it_as_the_newest(room):
    store, session = room
    editing = tablet(store, session)
    editing.commit(replace(editing.concept, title="first"))
    editing.commit(replace(editing.concept, title="second"))
    assert editing.restore(store.load_version(session.id, "team-1", 1)).version == 3
    assert latest(store, session).title == "first"
    assert editing.undo().version == 4
    assert latest(store, session).title == "second"


# ----------------------------------------------------------------------------- the room's rules


def test_the_rounds_lock_a_tablet_but_not_the_joint_vision(room):
    store, session = room
    now = time.time()
    assert editor_mode(RoundState(), now, in_room=True) == EditorMode(locked=False, voting=False)
    set_round(store, session, 0)
    assert editor_mode(store.load_rounds(session.id), time.time(), in_room=True) == EditorMode(False, False)
    set_round(store, session, 0, ended=True)
    assert editor_mode(store.load_rounds(session.id), time.time(), in_room=True) == EditorMode(True, False)
    set_round(store, session, 2)
    assert editor_mode(store.load_rounds(session.id), time.time(), in_room=True) == EditorMode(True, True)
    assert editor_mode(store.load_rounds(session.id), time.time(), in_room=False) == EditorMode(False, False)


@pytest.mark.parametrize(
    ("saved_ago", "connected", "activity"),
    [
        (10.0, False, TeamActivity.EDITING),
        (EDITING_WITHIN_S, True, TeamActivity.EDITING),  # a recent save wins over the tablet
        (EDITING_WITHIN_S + 1, True, TeamActivity.CONNECTED),
        (EDITING_WITHIN_S + 1, False, TeamActivity.IDLE),
        (None, True, TeamActivity.CONNECTED),
        (None, False, TeamActivity.IDLE),
    ],
)
def test_a_teams_activity_on_the_projector(saved_ago, connected, activity):
    now = 1_780_308_000.0  # 2026-06-01 10:00:00 UTC
    saved_at = None if saved_ago is None else time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(now - saved_ago))
    assert team_activity(saved_at, connected, now) is activity


def test_a_tablet_counts_as_connected_for_fifteen_seconds():
    seen = {"team-2": 100.0, "team-1": 110.0}
    assert (connected_teams(seen, 115.0), connected_teams(seen, 120.0), connected_teams({}, 115.0)) == (
        ["team-1", "team-2"],
        ["team-1"],
        [],
    )
