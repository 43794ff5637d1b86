"""The projector shows the rules of codesign: a team's activity, the round controls the state allows."""

from __future__ import annotations

import time

from shapely.geometry import Point

from codesign.domain.concept import Concept, ConceptFeature
from codesign.domain.rounds import RoundPlan, RoundState, start
from codesign.domain.site import load_site
from codesign.i18n import translate
from tests.app.test_pages import run_page

C = load_site("aksu-city-square").boundary.centroid


def projector(session, view: str):
    return run_page(
        "projector.py", "en", state={"facilitator": True, "current_session": session.id, "projector_view": view}
    )


def test_the_gallery_shows_who_is_editing_and_who_is_idle(workshop):
    store, session = workshop
    bench = ConceptFeature("f1", "bench", Point(C.x, C.y))
    store.save_concept(session.id, "team-1", Concept(session.site, "team-1", features=(bench,)), 0)  # just now
    at = projector(session, "gallery")
    assert not at.exception
    cards = {m.value for m in at.markdown}
    assert f"#### Орлы  \n{translate('projector.editing', 'en')}" in cards
    assert f"#### Соколы  \n{translate('projector.idle', 'en')}" in cards


def test_the_round_controls_follow_the_round(workshop):
    store, session = workshop
    plan = RoundPlan.parse("Sketch 25 sketch\nVote 5 vote")
    store.update_rounds(session.id, lambda _: start(RoundState(plan), 0, now=time.time()))
    at = projector(session, "rounds")
    enabled = {name: not at.button(key=f"round_{name}").disabled for name in ("pause", "resume", "end", "reopen")}
    assert enabled == {"pause": True, "resume": False, "end": True, "reopen": False}
    assert at.text_area[0].value == "Sketch 25 sketch\nVote 5 vote"
    at.button(key="round_pause").click().run()
    assert store.load_rounds(session.id).status == "paused"
    enabled = {name: not at.button(key=f"round_{name}").disabled for name in ("pause", "resume", "end", "reopen")}
    assert enabled == {"pause": False, "resume": True, "end": True, "reopen": False}
    # time ran out while nobody pressed End: the room sees it ended, and it can be reopened
    store.update_rounds(session.id, lambda _: start(RoundState(plan), 0, now=time.time() - 26 * 60))
    at.run()
    enabled = {name: not at.button(key=f"round_{name}").disabled for name in ("pause", "resume", "end", "reopen")}
    assert enabled == {"pause": False, "resume": False, "end": False, "reopen": True}
