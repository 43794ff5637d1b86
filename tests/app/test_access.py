"""Every page and action checks who is asking: facilitator, team, reviewer, nobody.

Each forbidden action is tried with each role and with no token at all.
"""

from __future__ import annotations

from pathlib import Path
from unittest import mock

import pytest
from shapely.geometry import Point

from app_pages.common import md
from codesign.domain.concept import Concept, ConceptFeature
from codesign.domain.session import PLAN_OWNER, VISION_OWNER
from codesign.domain.site import load_site
from codesign.i18n import translate
from tests.app.test_pages import fake_map, run_page

DENIED = translate("error.access_denied", "en")
BAD_LINK = translate("sketch.bad_link", "en")
DESK_PAGES = ["facilitator.py", "projector.py", "plan.py", "paper.py", "vision.py"]
REVIEW_PAGES = ["compare.py", "consensus.py", "report.py"]
C = load_site("aksu-city-square").boundary.centroid


def roles(session, other_session):
    """Session state (and query params for the sketch page) for every kind of visitor."""
    return {
        "nobody": {},
        "team-1": {"params": {"s": session.id, "t": session.teams[0].token}},
        "reviewer": {"state": {"reviewer": session.id, "reviewer_token": session.review_token}},
        "reviewer of another session": {
            "state": {"reviewer": other_session.id, "reviewer_token": other_session.review_token}
        },
    }


@pytest.fixture
def two_sessions(workshop):
    store, session = workshop
    other = store.create_session(site="aksu-city-square", title="Другая", teams=[("X", None)])
    for owner in ("team-1", "team-2", PLAN_OWNER):
        concept = Concept(session.site, owner, features=(ConceptFeature("f1", "bench", Point(C.x, C.y)),))
        store.save_concept(session.id, owner, concept, 0)
    return store, session, other


@pytest.mark.parametrize("page", DESK_PAGES + REVIEW_PAGES)
@pytest.mark.parametrize("who", ["nobody", "team-1", "reviewer", "reviewer of another session"])
def test_desk_pages_refuse_everyone_but_the_facilitator(two_sessions, page, who):
    store, session, other = two_sessions
    visitor = roles(session, other)[who]
    at = run_page(
        page, "en", params=visitor.get("params"), state={"current_session": session.id, **visitor.get("state", {})}
    )
    assert not at.exception
    if who == "reviewer" and page in REVIEW_PAGES:
        assert not at.error  # the architecture department may read these
        assert not [b for b in at.button if b.label == translate("consensus.start_vision", "en")]
        return
    if who == "reviewer of another session" and page in REVIEW_PAGES:
        assert session.title not in " ".join(s.value for s in at.selectbox)  # only its own session
        return
    assert at.error[0].value == DENIED
    assert not at.code  # no join links or secrets shown


def test_a_reviewer_sees_only_the_session_of_the_link(two_sessions):
    store, session, other = two_sessions
    at = run_page(
        "compare.py",
        "en",
        state={"reviewer": other.id, "reviewer_token": other.review_token, "current_session": session.id},
    )
    assert not at.exception
    assert not at.selectbox or all(session.id not in str(s.options) for s in at.selectbox)
    assert at.info[0].value == translate("compare.need_two", "en")  # the other session has nothing saved


@pytest.mark.parametrize(
    "params",
    [
        {},  # no token
        {"t": "wrong"},
        {"t": "team-2-token-from-another-session"},
        {"t": "REVIEW"},  # the reviewer's token is not a team token
        {"t": "SECRET"},  # neither is the facilitator's secret
    ],
)
def test_the_sketch_page_opens_only_with_a_team_token(two_sessions, params):
    store, session, other = two_sessions
    token = params.get("t")
    token = {
        "REVIEW": session.review_token,
        "SECRET": "test-facilitator-secret-0123456789",
        "team-2-token-from-another-session": other.teams[0].token,
    }.get(token, token)
    at = run_page("sketch.py", "en", params={"s": session.id, **({"t": token} if token else {})})
    assert not at.exception
    assert at.error[0].value == BAD_LINK


def test_a_team_link_changes_only_its_own_concept(two_sessions):
    store, session, _ = two_sessions
    drawing = {
        "type": "Feature",
        "properties": {"draft": "d"},
        "geometry": {"type": "Point", "coordinates": [C.x + 0.0001, C.y]},
    }
    before = {o: store.latest_version(session.id, o) for o in ("team-2", PLAN_OWNER, VISION_OWNER)}
    with mock.patch("streamlit_folium.st_folium", fake_map([drawing])):
        at = run_page("sketch.py", "en", params={"s": session.id, "t": session.teams[0].token})
    assert not at.exception
    assert store.latest_version(session.id, "team-1") == 2
    assert {o: store.latest_version(session.id, o) for o in before} == before


def test_a_reissued_link_stops_working_even_on_an_open_tablet(two_sessions):
    store, session, _ = two_sessions
    old_token = session.teams[0].token
    at = run_page("sketch.py", "en", params={"s": session.id, "t": old_token})
    assert not at.exception
    store.reissue_token(session.id, "team-1")
    drawing = {
        "type": "Feature",
        "properties": {"draft": "late"},
        "geometry": {"type": "Point", "coordinates": [C.x, C.y + 0.0001]},
    }
    with mock.patch("streamlit_folium.st_folium", fake_map([drawing])):
        at.run()
    assert store.latest_version(session.id, "team-1") == 1  # the tablet with the old link saved nothing
    fresh = run_page("sketch.py", "en", params={"s": session.id, "t": old_token})
    assert fresh.error[0].value == BAD_LINK
    new = store.load_session(session.id).teams[0].token
    assert new != old_token
    assert not run_page("sketch.py", "en", params={"s": session.id, "t": new}).error


def test_a_reissued_review_link_stops_working(two_sessions, tmp_path):
    store, session, _ = two_sessions
    at = router()
    at.query_params["s"] = session.id
    at.query_params["r"] = session.review_token
    at.run()
    assert not at.exception
    assert at.session_state["reviewer"] == session.id
    store.reissue_token(session.id, "reviewer")
    at2 = router()
    at2.query_params["s"] = session.id
    at2.query_params["r"] = session.review_token
    at2.run()
    assert "reviewer" not in at2.session_state
    assert [e.value for e in at2.error] == [translate("review.link_refused", "en")]


def review_tab(session):
    """A browser that opened the review link: it shows the comparison."""
    at = router()
    at.query_params["s"] = session.id
    at.query_params["r"] = session.review_token
    at.run()
    assert not at.exception
    assert at.title[0].value == translate("compare.title", "en")
    assert "r" not in at.query_params  # the token left the address bar
    return at


def test_a_reissued_review_link_stops_working_in_an_already_open_tab(two_sessions):
    store, session, _ = two_sessions
    at = review_tab(session)
    at.run()  # a rerun of the open tab (any click) still shows the comparison
    assert at.title[0].value == translate("compare.title", "en")
    store.reissue_token(session.id, "reviewer")
    at.run()  # the next click after the reissue
    assert not at.exception
    assert "reviewer" not in at.session_state
    assert translate("review.link_refused", "en") in [e.value for e in at.error]
    assert translate("compare.title", "en") not in [t.value for t in at.title]
    assert session.teams[0].name not in str(at._tree)  # nothing of the session is shown any more


@pytest.mark.parametrize("review_page", ["consensus.py", "report.py"])
def test_a_reissued_review_link_stops_working_on_every_review_page(two_sessions, review_page):
    store, session, _ = two_sessions
    at = review_tab(session)
    at.switch_page(f"app_pages/{review_page}").run()
    assert not at.exception
    assert not at.error
    store.reissue_token(session.id, "reviewer")
    at.run()
    assert not at.exception
    assert translate("review.link_refused", "en") in [e.value for e in at.error]
    assert "reviewer" not in at.session_state


def test_the_new_review_link_works(two_sessions):
    store, session, _ = two_sessions
    renewed = store.reissue_token(session.id, "reviewer")
    at = review_tab(renewed)
    assert at.session_state["reviewer"] == session.id
    assert not at.error


# ----------------------------------------------------------------------------- join codes, the secret


def router(lang: str = "en"):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(Path(__file__).resolve().parents[2] / "workshop_app.py"), default_timeout=30)
    at.session_state["lang"] = lang
    return at


def test_a_join_code_typed_in_cyrillic_look_alikes_opens_the_teams_page(workshop):
    from dataclasses import replace

    store, session = workshop
    # a token whose code is ACK-ECX: every letter has a Cyrillic look-alike (tests/unit/test_access.py)
    store.update_session(replace(session, teams=(replace(session.teams[0], token="token-233"), session.teams[1])))
    at = router("ru").run()
    at.text_input[0].input("аск-есх")  # typed on a Russian keyboard
    at.button[0].click().run()
    assert not at.exception
    assert not at.error
    assert at.subheader[0].value.startswith(session.teams[0].name)  # the team's sketch page


@pytest.mark.parametrize("typed", ["АСК-ЕСЖ", "🙂🙂🙂-🙂🙂🙂", "Ы" * 12, "ЙЦУКЕН"])
def test_a_wrong_join_code_is_a_plain_wrong_code(workshop, typed):
    at = run_page("welcome.py", "kk")
    at.text_input[0].input(typed)
    at.button[0].click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [translate("welcome.bad_code", "kk")]


@pytest.mark.parametrize("lang", ["ru", "kk", "en"])
def test_the_app_refuses_to_run_with_a_short_configured_secret(workshop, monkeypatch, lang):
    monkeypatch.setenv("CODESIGN_FACILITATOR_SECRET", "too-short")
    at = router(lang)
    at.query_params["key"] = "too-short"
    at.run()
    assert not at.exception
    source = md("CODESIGN_FACILITATOR_SECRET")  # message parameters are escaped for markdown
    expected = translate("error.secret_too_short", lang, source=source, length=9, minimum=16)
    assert [e.value for e in at.error] == [expected]
    assert "facilitator" not in at.session_state  # the short secret opened nothing
    assert not at.title  # and no page ran
