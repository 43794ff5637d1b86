"""Every page runs under Streamlit's AppTest in each language with no exception."""

from __future__ import annotations

import json
from pathlib import Path
from unittest import mock

import pytest
from streamlit.testing.v1 import AppTest

from codesign.i18n import LANGUAGES, translate
from codesign.render.folium_maps import STATIC_URL

ROOT = Path(__file__).resolve().parents[2]
PAGES = ROOT / "app_pages"
TIMEOUT = 30


def run_page(name: str, lang: str, *, params: dict | None = None, state: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(PAGES / name), default_timeout=TIMEOUT)
    at.session_state["lang"] = lang
    for key, value in (state or {}).items():
        at.session_state[key] = value
    for key, value in (params or {}).items():
        at.query_params[key] = value
    return at.run()


def find_map(at: AppTest) -> dict:
    def walk(node):
        yield node
        for child in getattr(node, "children", {}).values():
            yield from walk(child)

    for node in walk(at._tree):
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "json_args") and "leaflet" in getattr(proto, "json_args", ""):
            return json.loads(proto.json_args)
    raise AssertionError("no map component on the page")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_welcome_page(workshop, lang):
    at = run_page("welcome.py", lang)
    assert not at.exception
    assert at.title[0].value == translate("welcome.title", lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_router_without_a_key_shows_the_welcome_page(workshop, lang):
    at = AppTest.from_file(str(ROOT / "workshop_app.py"), default_timeout=TIMEOUT)
    at.session_state["lang"] = lang
    at.run()
    assert not at.exception
    assert at.title[0].value == translate("welcome.title", lang)


def test_router_with_the_facilitator_key_opens_the_desk_and_drops_the_key(workshop):
    from tests.app.conftest import SECRET

    at = AppTest.from_file(str(ROOT / "workshop_app.py"), default_timeout=TIMEOUT)
    at.query_params["key"] = SECRET
    at.run()
    assert not at.exception
    assert at.session_state["facilitator"] is True
    assert "key" not in at.query_params


def test_router_with_a_wrong_key_stays_on_welcome(workshop):
    at = AppTest.from_file(str(ROOT / "workshop_app.py"), default_timeout=TIMEOUT)
    at.query_params["key"] = "wrong"
    at.run()
    assert not at.exception
    assert "facilitator" not in at.session_state
    assert at.error[0].value == translate("welcome.bad_key", "ru")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_facilitator_page_lists_the_join_links(workshop, lang):
    store, session = workshop
    at = run_page("facilitator.py", lang, state={"facilitator": True})
    assert not at.exception
    codes = [c.value for c in at.code]
    assert len(codes) == 3
    for team, code in zip(session.teams, codes[:2], strict=True):
        assert code.endswith(f"/sketch?s={session.id}&t={team.token}")
    assert codes[2].endswith(f"/compare?s={session.id}&r={session.review_token}")


def test_facilitator_page_refuses_without_the_secret(workshop):
    at = run_page("facilitator.py", "en")
    assert not at.exception
    assert at.error[0].value == translate("error.access_denied", "en")
    assert not at.code


def test_facilitator_creates_a_session_from_the_form(workshop):
    store, _ = workshop
    at = run_page("facilitator.py", "en", state={"facilitator": True})
    at.text_input[0].input("Tugan Qala forum")
    at.text_area[0].input("Жасыл аула\nСемьи Аксу\nYouth")
    at.button[0].click().run()
    assert not at.exception
    created = [s for s in store.list_sessions() if s.title == "Tugan Qala forum"]
    assert [t.name for t in created[0].teams] == ["Жасыл аула", "Семьи Аксу", "Youth"]


def test_facilitator_form_explains_bad_input(workshop):
    at = run_page("facilitator.py", "kk", state={"facilitator": True})
    at.text_input[0].input("Forum")
    at.text_area[0].input("A\na")
    at.button[0].click().run()
    assert not at.exception
    assert at.error[0].value == translate("session.duplicate_team", "kk")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_sketch_page_renders_an_offline_map(workshop, lang):
    store, session = workshop
    team = session.teams[0]
    at = run_page("sketch.py", lang, params={"s": session.id, "t": team.token})
    assert not at.exception
    args = find_map(at)
    links = args["js_links"] + args["css_links"]
    assert links, "the map loads Leaflet"
    assert all(link.startswith(STATIC_URL) for link in links), links  # nothing from a CDN
    assert "L.Control.Draw" in args["script"]
    assert translate("save.nothing_yet", lang) in at.info[0].value


@pytest.mark.parametrize(
    "params",
    [{}, {"s": "no-such-session", "t": "x"}, {"s": "../../etc", "t": "x"}, {"t": "wrong"}],
)
def test_sketch_page_refuses_bad_links_politely(workshop, params):
    _, session = workshop
    params = {"s": session.id, **params} if "s" not in params else params
    at = run_page("sketch.py", "ru", params=params)
    assert not at.exception
    assert at.error[0].value == translate("sketch.bad_link", "ru")


def fake_map(drawings):
    """A stand-in for st_folium that reports ``drawings`` like the browser would."""

    def st_folium(fig, key=None, on_change=None, **kwargs):
        import streamlit as st

        value = {"all_drawings": drawings}
        if st.session_state.get(key) != value:
            st.session_state[key] = value
            if on_change:
                on_change()
        return value

    return st_folium


def test_a_drawing_from_the_map_is_saved_and_measured(workshop):
    store, session = workshop
    team = session.teams[0]
    site = __import__("codesign.domain.site", fromlist=["load_site"]).load_site("aksu-city-square")
    c = site.boundary.centroid
    square = [[c.x, c.y], [c.x + 0.0003, c.y], [c.x + 0.0003, c.y + 0.0002], [c.x, c.y + 0.0002], [c.x, c.y]]
    drawings = [
        {"type": "Feature", "properties": {"draft": "d1"}, "geometry": {"type": "Polygon", "coordinates": [square]}},
        {"type": "Feature", "properties": {"draft": "d2"}, "geometry": {"type": "Point", "coordinates": [c.x, c.y]}},
    ]
    with mock.patch("streamlit_folium.st_folium", fake_map(drawings)):
        at = run_page("sketch.py", "en", params={"s": session.id, "t": team.token})
        assert not at.exception
        saved = store.load_latest(session.id, team.id)
        assert [f.category for f in saved.features] == ["playground", "bench"]
        at.run()  # a rerun with the same map value must not add the shapes again
        assert len(store.load_latest(session.id, team.id).features) == 2
    assert store.load_latest(session.id, session.teams[1].id) is None


def test_a_shape_outside_the_site_is_refused_with_a_message(workshop):
    store, session = workshop
    team = session.teams[0]
    far = {"type": "Feature", "properties": {"draft": "x"}, "geometry": {"type": "Point", "coordinates": [77.5, 52.5]}}
    with mock.patch("streamlit_folium.st_folium", fake_map([far])):
        at = run_page("sketch.py", "ru", params={"s": session.id, "t": team.token})
        at.run()  # in the browser the map's callback runs before the page; here it runs inside it
    assert not at.exception
    assert any(translate("geometry.point_outside", "ru").split("(")[0] in e.value for e in at.error)
    assert store.load_latest(session.id, team.id) is None


@pytest.mark.parametrize("lang", LANGUAGES)
def test_compare_page_on_the_demo_session(tmp_path, monkeypatch, lang):
    from codesign.services.demo import ensure_demo_session
    from codesign.storage.files import FileStore

    monkeypatch.setenv("CODESIGN_SESSIONS_DIR", str(tmp_path))
    session = ensure_demo_session(FileStore(tmp_path))
    at = run_page("compare.py", lang, state={"facilitator": True, "current_session": session.id})
    assert not at.exception
    assert at.title[0].value == translate("compare.title", lang)
    labels = [m.label for m in at.metric]
    assert translate("compare.agreement", lang) in labels
    assert len(at.table) == 4  # norms side by side, categories, plan zones, amenities


def test_compare_page_needs_two_concepts(workshop):
    at = run_page("compare.py", "en", state={"facilitator": True})
    assert not at.exception
    assert at.info[0].value == translate("compare.need_two", "en")


def test_compare_page_refuses_without_the_secret(workshop):
    at = run_page("compare.py", "en")
    assert at.error[0].value == translate("error.access_denied", "en")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_consensus_page_on_the_demo_session(tmp_path, monkeypatch, lang):
    from codesign.services.demo import ensure_demo_session
    from codesign.storage.files import FileStore

    monkeypatch.setenv("CODESIGN_SESSIONS_DIR", str(tmp_path))
    session = ensure_demo_session(FileStore(tmp_path))
    at = run_page(
        "consensus.py", lang, state={"facilitator": True, "current_session": session.id, "consensus_live": False}
    )
    assert not at.exception
    assert at.title[0].value == translate("consensus.title", lang)
    assert [m.label for m in at.metric][:2] == [
        translate("consensus.agreed", lang),
        translate("consensus.contested", lang),
    ]


def test_starting_the_joint_vision_saves_it(tmp_path, monkeypatch):
    from codesign.domain.session import VISION_OWNER
    from codesign.services.demo import ensure_demo_session
    from codesign.storage.files import FileStore

    monkeypatch.setenv("CODESIGN_SESSIONS_DIR", str(tmp_path))
    store = FileStore(tmp_path)
    session = ensure_demo_session(store)
    at = run_page(
        "consensus.py", "en", state={"facilitator": True, "current_session": session.id, "consensus_live": False}
    )
    next(b for b in at.button if b.label == translate("consensus.start_vision", "en")).click().run()
    assert not at.exception
    vision = store.load_latest(session.id, VISION_OWNER)
    assert vision is not None
    assert vision.source["from"] == "consensus"
    assert any(f.kind == "zone" for f in vision.features)
    at = run_page("vision.py", "kk", state={"facilitator": True, "current_session": session.id})
    assert not at.exception


@pytest.mark.parametrize("view", ["join", "rounds", "gallery", "votes"])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_projector_views(tmp_path, monkeypatch, lang, view):
    from codesign.services.demo import ensure_demo_session
    from codesign.storage.files import FileStore

    monkeypatch.setenv("CODESIGN_SESSIONS_DIR", str(tmp_path))
    session = ensure_demo_session(FileStore(tmp_path))
    at = run_page(
        "projector.py", lang, state={"facilitator": True, "current_session": session.id, "projector_view": view}
    )
    assert not at.exception


def test_projector_rounds_control_the_tablets(workshop):
    from codesign.storage.files import FileStore  # noqa: F401

    store, session = workshop
    at = run_page(
        "projector.py", "en", state={"facilitator": True, "current_session": session.id, "projector_view": "rounds"}
    )
    at.text_area[0].input("Sketch 25 sketch\nVote 5 vote")
    next(b for b in at.button if b.label == translate("projector.save_rounds", "en")).click().run()
    assert [r.kind for r in store.load_rounds(session.id).plan.rounds] == ["sketch", "vote"]
    at.button(key="start_round_0").click().run()
    assert store.load_rounds(session.id).status == "running"
    at.button(key="round_end").click().run()
    assert store.load_rounds(session.id).status == "ended"
    tablet = run_page("sketch.py", "en", params={"s": session.id, "t": session.teams[0].token})
    assert not tablet.exception
    assert translate("room.locked", "en", round="Sketch") in [i.value for i in tablet.info]


def test_join_code_opens_the_teams_page(workshop):
    from codesign.domain.access import join_code

    _, session = workshop
    at = run_page("welcome.py", "ru")
    at.text_input[0].input("zzz-zzz")
    at.button[0].click().run()
    assert at.error[0].value == translate("welcome.bad_code", "ru")
    at.text_input[0].input(join_code(session.teams[1].token))
    at.button[0].click().run()
    assert not at.exception


def test_consensus_page_shows_support_by_votes(tmp_path, monkeypatch):
    from codesign.domain.votes import Vote, VotingRules, cast
    from codesign.services.demo import ensure_demo_session
    from codesign.storage.files import FileStore

    monkeypatch.setenv("CODESIGN_SESSIONS_DIR", str(tmp_path))
    store = FileStore(tmp_path)
    session = ensure_demo_session(store)
    store.update_votes(
        session.id,
        lambda rv: (VotingRules(), cast((), Vote("team-1", "", "team-2", "f1"), VotingRules(), is_open=True)),
    )
    at = run_page(
        "consensus.py", "en", state={"facilitator": True, "current_session": session.id, "consensus_live": False}
    )
    assert not at.exception
    assert f"#### {translate('consensus.votes', 'en', count=1)}" in [m.value for m in at.markdown]


def test_tablet_vote_panel_offers_other_teams_and_agreed_areas(tmp_path, monkeypatch):
    from codesign.domain.rounds import Round, RoundPlan, RoundState, start
    from codesign.services.demo import ensure_demo_session
    from codesign.storage.files import FileStore

    monkeypatch.setenv("CODESIGN_SESSIONS_DIR", str(tmp_path))
    store = FileStore(tmp_path)
    session = ensure_demo_session(store)
    plan = RoundPlan((Round("Vote", 5, "vote"),))
    store.update_rounds(session.id, lambda s: start(RoundState(plan), 0, now=__import__("time").time()))
    at = run_page("sketch.py", "en", params={"s": session.id, "t": session.teams[0].token})
    assert not at.exception
    labels = [e.label for e in at.expander]
    assert translate("votes.team", "en", name=session.teams[1].name) in labels
    assert translate("votes.consensus", "en") in labels
    assert translate("votes.team", "en", name=session.teams[0].name) not in labels  # not its own work


def test_the_facilitator_is_told_about_damaged_versions(workshop):
    from codesign.domain.concept import Concept

    store, session = workshop
    store.save_concept(session.id, "team-1", Concept(session.site, "team-1", title="good"), 0)
    folder = store.root / session.id / "concepts" / "team-1"
    (folder / "v000002.geojson").write_text('{"type": "FeatureCollection", "feat', encoding="utf-8")
    assert store.load_latest(session.id, "team-1").title == "good"
    at = run_page("facilitator.py", "en", state={"facilitator": True, "current_session": session.id})
    assert not at.exception
    assert at.warning[0].value == translate("facilitator.damaged", "en", count=1)
