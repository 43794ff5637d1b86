"""Every write a tablet can make is refused after the link is reissued, the round closed, or in a vote round.

Each test opens a team's tablet, brings it to the state where the action is on screen (a
drawing to undo, a failed save to retry, a conflict to resolve, a vote panel), then the
facilitator reissues the link or changes the round, and the *stale* tablet - the screen as
rendered before the change - performs the action. Nothing may be stored, and the tablet says
why in words.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import ExitStack
from unittest import mock

import pytest
from shapely.geometry import Point

from codesign.domain.concept import Concept, ConceptFeature
from codesign.domain.rounds import RoundPlan, RoundState, end, start
from codesign.domain.session import PLAN_OWNER, VISION_OWNER
from codesign.domain.site import load_site
from codesign.domain.votes import Vote, VotingRules, cast
from codesign.errors import StoreError
from codesign.i18n import translate
from tests.app.test_pages import fake_map, run_page

C = load_site("aksu-city-square").boundary.centroid
PLAN = "Sketch 25 sketch\nGallery 10 gallery\nVote 5 vote"
SCENARIOS = ("revoked", "locked", "vote_round")


def drawing(dx: float = 0.0, draft: str = "d1") -> dict:
    return {
        "type": "Feature",
        "properties": {"draft": draft},
        "geometry": {"type": "Point", "coordinates": [C.x + dx, C.y]},
    }


def set_round(store, session, index: int, *, ended: bool = False) -> None:
    def change(_):
        state = start(RoundState(RoundPlan.parse(PLAN)), index, now=time.time())
        return end(state, now=time.time()) if ended else state

    store.update_rounds(session.id, change)


def apply_scenario(store, session, scenario: str) -> None:
    """What the facilitator does while the tablet's screen stays as it was."""
    if scenario == "revoked":
        store.reissue_token(session.id, "team-1")
    elif scenario == "locked":
        set_round(store, session, 0, ended=True)  # "End" pressed on the sketch round
    elif scenario == "vote_round":
        set_round(store, session, 2)
    else:
        raise AssertionError(scenario)


def stored(store, session) -> dict[str, object]:
    """Everything a write could change: every owner's latest version, and the votes."""
    owners = [t.id for t in session.teams] + [VISION_OWNER, PLAN_OWNER]
    return {**{o: store.latest_version(session.id, o) for o in owners}, "votes": store.load_votes(session.id)}


def refusal_shown(at, scenario: str, action: str) -> None:
    """The stale tablet says, in its language, why nothing was stored.

    A revoked link: the page says the link no longer works. A closed round: the gate's reason
    for actions whose callbacks run before the page (map, undo, retry, conflict choices); for
    buttons the page itself runs, Streamlit drops the click of a button that is disabled in
    the new run (locked), and the tablet shows the lock.
    """
    errors = [e.value for e in at.error]
    infos = [i.value for i in at.info]
    if scenario == "revoked":
        assert translate("sketch.link_revoked", "en") in errors, errors
    elif action in DISABLED_WHEN_LOCKED:
        assert translate("room.locked", "en", round=at_round(scenario)) in infos, infos
    elif scenario == "locked":
        assert translate("room.locked_save", "en") in errors, errors
    else:
        assert translate("room.locked_vote_round", "en") in errors, errors


#: Buttons run by the page (not callbacks) and disabled while editing is locked, and taking the
#: stored version (no write): after a lock the tablet shows the lock rather than a refusal.
DISABLED_WHEN_LOCKED = frozenset({"feature_edit", "delete", "metadata", "restore", "reload"})


def at_round(scenario: str) -> str:
    return {"locked": "Sketch", "vote_round": "Vote"}[scenario]


@pytest.fixture
def tablet_room(workshop):
    """Team 1 has two versions (a bench f1; titles "first", "second"), team 2 one (a lamp)."""
    store, session = workshop
    bench = ConceptFeature("f1", "bench", Point(C.x, C.y))
    v1 = store.save_concept(session.id, "team-1", Concept(session.site, "team-1", title="first", features=(bench,)), 0)
    store.save_concept(session.id, "team-1", Concept(session.site, "team-1", title="second", features=(bench,)), 1)
    lamp = ConceptFeature("f1", "lamp", Point(C.x + 0.0002, C.y))
    store.save_concept(session.id, "team-2", Concept(session.site, "team-2", features=(lamp,)), 0)
    assert v1.version == 1
    return store, session


class Tablet:
    """Team 1's tablet under AppTest, with the map reporting ``drawings`` on every run."""

    def __init__(self, store, session) -> None:
        self.store, self.session = store, session
        self.drawings: list | None = None
        self.at = None

    def run(self, *, save_fails: bool = False):
        with ExitStack() as stack:
            stack.enter_context(mock.patch("streamlit_folium.st_folium", fake_map(self.drawings)))
            if save_fails:
                stack.enter_context(
                    mock.patch.object(
                        type(self.store), "save_concept", side_effect=StoreError(reason="No space left on device")
                    )
                )
            if self.at is None:
                self.at = run_page("sketch.py", "en", params={"s": self.session.id, "t": self.session.teams[0].token})
            else:
                self.at.run()
        assert not self.at.exception, self.at.exception
        return self.at

    def button(self, key: str):
        return self.at.button(key=key)


def labelled(at, key: str):
    return next(b for b in at.button if b.label == translate(key, "en"))


def another_tablet_saves(store, session) -> None:
    latest = store.load_latest(session.id, "team-1")
    store.save_concept(session.id, "team-1", Concept(session.site, "team-1", title="from tablet B"), latest.version)


# ----------------------------------------------------------------------------- the actions
# Each prepares the stale tablet (returns the action to perform on it).


def prepare_draw(tablet: Tablet) -> Callable[[], None]:
    tablet.run()

    def act():
        tablet.drawings = [drawing(0.0001)]

    return act


def prepare_feature_edit(tablet: Tablet) -> Callable[[], None]:
    at = tablet.run()

    def act():
        [category] = [s for s in at.selectbox if s.label == translate("feature.category", "en")]
        category.select("lamp")
        labelled(at, "feature.apply").click()

    return act


def prepare_delete(tablet: Tablet) -> Callable[[], None]:
    tablet.run()
    return lambda: tablet.button("delete_f1").click()


def prepare_metadata(tablet: Tablet) -> Callable[[], None]:
    at = tablet.run()

    def act():
        [title] = [i for i in at.text_input if i.label == translate("concept.title", "en")]
        title.input("changed after the lock")
        labelled(at, "concept.save").click()

    return act


def prepare_restore(tablet: Tablet) -> Callable[[], None]:
    at = tablet.run()

    def act():
        at.selectbox(key="version_pick").select(1)
        tablet.button("restore").click()

    return act


def prepare_undo(tablet: Tablet) -> Callable[[], None]:
    tablet.drawings = [drawing(0.0001)]
    tablet.run()
    tablet.run()
    assert tablet.store.latest_version(tablet.session.id, "team-1") == 3  # the drawing was saved
    return lambda: tablet.button("undo").click()


def prepare_retry(tablet: Tablet) -> Callable[[], None]:
    tablet.run()
    tablet.drawings = [drawing(0.0001)]
    tablet.run(save_fails=True)
    at = tablet.run()
    assert "No space left on device" in at.error[0].value
    return lambda: tablet.button("retry").click()


def prepare_conflict(choice: str) -> Callable[[Tablet], Callable[[], None]]:
    def prepare(tablet: Tablet) -> Callable[[], None]:
        tablet.run()
        another_tablet_saves(tablet.store, tablet.session)
        tablet.drawings = [drawing(0.0001)]
        tablet.run()
        at = tablet.run()
        assert at.warning[0].value == translate("save.conflict", "en", latest=3)
        return lambda: tablet.button(choice).click()

    return prepare


WRITES = {
    "draw": prepare_draw,
    "feature_edit": prepare_feature_edit,
    "delete": prepare_delete,
    "metadata": prepare_metadata,
    "restore": prepare_restore,
    "undo": prepare_undo,
    "retry": prepare_retry,
    "merge": prepare_conflict("merge"),
    "keep_mine": prepare_conflict("keep_mine"),
}


@pytest.mark.parametrize("scenario", SCENARIOS)
@pytest.mark.parametrize("action", list(WRITES))
def test_a_stale_tablet_stores_nothing(tablet_room, action, scenario):
    store, session = tablet_room
    tablet = Tablet(store, session)
    act = WRITES[action](tablet)
    apply_scenario(store, session, scenario)
    before = stored(store, session)
    act()
    at = tablet.run()
    if action == "draw":  # the stand-in map reports during the run, the browser's before it: one run more
        at = tablet.run()
    assert stored(store, session) == before
    refusal_shown(at, scenario, action)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_taking_the_stored_version_stores_nothing_and_a_revoked_link_reads_nothing(tablet_room, scenario):
    store, session = tablet_room
    tablet = Tablet(store, session)
    act = prepare_conflict("reload")(tablet)
    apply_scenario(store, session, scenario)
    before = stored(store, session)
    act()
    at = tablet.run()
    assert stored(store, session) == before
    refusal_shown(at, scenario, "reload")
    if scenario == "revoked":
        assert "from tablet B" not in str(at._tree)  # the other tablet's work was not handed over
    else:
        assert translate("save.saved", "en", version=3, time="")[:10] in at.success[0].value


@pytest.mark.parametrize("action", list(WRITES))
def test_the_same_actions_store_a_version_when_nothing_changed(tablet_room, action):
    """The control: without a reissue or a lock, each stale-tablet action does store."""
    store, session = tablet_room
    tablet = Tablet(store, session)
    act = WRITES[action](tablet)
    before = store.latest_version(session.id, "team-1")
    act()
    at = tablet.run()
    assert store.latest_version(session.id, "team-1") == before + 1
    assert not at.error, [e.value for e in at.error]


def test_undo_while_a_conflict_waits_is_checked_too(tablet_room):
    store, session = tablet_room
    tablet = Tablet(store, session)
    prepare_conflict("merge")(tablet)
    set_round(store, session, 0, ended=True)
    before = stored(store, session)
    tablet.button("undo").click()
    at = tablet.run()
    assert stored(store, session) == before
    assert translate("room.locked_save", "en") in [e.value for e in at.error]
    tablet.button("keep_mine").click()
    at = tablet.run()
    assert stored(store, session) == before


# ----------------------------------------------------------------------------- dots


@pytest.fixture
def vote_room(tablet_room):
    store, session = tablet_room
    set_round(store, session, 2)
    return store, session


def stale_vote_panel(store, session, *, placed: bool):
    if placed:
        rules = VotingRules()
        store.update_votes(
            session.id, lambda _: (rules, cast((), Vote("team-1", "", "team-2", "f1"), rules, is_open=True))
        )
    tablet = Tablet(store, session)
    at = tablet.run()
    assert at.button(key="vote_team-2_f1_").label == ("−" if placed else "+")
    return tablet


@pytest.mark.parametrize("placed", [False, True], ids=["place", "take_back"])
@pytest.mark.parametrize("scenario", ["revoked", "vote_ended", "sketch_round"])
def test_a_stale_vote_panel_changes_no_dot(vote_room, placed, scenario):
    store, session = vote_room
    tablet = stale_vote_panel(store, session, placed=placed)
    if scenario == "revoked":
        store.reissue_token(session.id, "team-1")
    elif scenario == "vote_ended":
        set_round(store, session, 2, ended=True)
    else:
        set_round(store, session, 0)
    before = stored(store, session)
    tablet.button("vote_team-2_f1_").click()
    at = tablet.run()
    assert stored(store, session) == before
    if scenario == "revoked":
        assert translate("sketch.link_revoked", "en") in [e.value for e in at.error]
    elif scenario == "vote_ended":
        assert translate("room.locked", "en", round="Vote") in [i.value for i in at.info]
    else:
        assert translate("sketch.how_to", "en") in [m.value for m in at.markdown]  # drawing again, no panel


@pytest.mark.parametrize("placed", [False, True], ids=["place", "take_back"])
def test_the_vote_panel_changes_a_dot_in_the_vote_round(vote_room, placed):
    store, session = vote_room
    tablet = stale_vote_panel(store, session, placed=placed)
    tablet.button("vote_team-2_f1_").click()
    tablet.run()
    assert store.load_votes(session.id)[1] == (() if placed else (Vote("team-1", "", "team-2", "f1"),))


# ----------------------------------------------------------------------------- the facilitator


def test_the_facilitator_edits_the_joint_vision_while_the_tablets_are_locked(tablet_room):
    store, session = tablet_room
    set_round(store, session, 2)  # the vote round: every tablet is locked
    with mock.patch("streamlit_folium.st_folium", fake_map([drawing(0.0001)])):
        at = run_page("vision.py", "en", state={"facilitator": True, "current_session": session.id})
        at.run()
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    assert store.latest_version(session.id, VISION_OWNER) == 1
