"""Hostile user and file text on the pages: maps still show, messages show it as typed."""

from __future__ import annotations

import json

from shapely.geometry import Point, box

from codesign.concepts import Concept, ConceptFeature
from codesign.sites import load_site
from codesign.store import PLAN_OWNER, FileStore
from tests.app.test_pages import run_page

SITE = load_site("aksu-city-square")
C = SITE.boundary.centroid
MARKERS = ("{{ 7*7 }}", "{# note", "{% if %}")


def maps_on(at) -> list[dict]:
    """What every map component on the page sends to its iframe."""

    def walk(node):
        yield node
        for child in getattr(node, "children", {}).values():
            yield from walk(child)

    found = []
    for node in walk(at._tree):
        args = getattr(getattr(node, "proto", None), "json_args", "")
        if "leaflet" in args:
            found.append(json.loads(args))
    return found


def marked_concept(owner: str) -> Concept:
    zone = box(C.x - 0.0002, C.y - 0.0001, C.x + 0.0002, C.y + 0.0001)
    return Concept(
        SITE.id,
        owner,
        title=MARKERS[2],
        features=(
            ConceptFeature("f1", "bench", Point(C.x, C.y), label=MARKERS[0], note=MARKERS[1]),
            ConceptFeature("f2", "lawn", zone, label=MARKERS[2]),
        ),
    )


def test_a_team_whose_labels_hold_template_markers_still_sees_its_map(workshop):
    store, session = workshop
    team = session.teams[0]
    store.save_concept(session.id, team.id, marked_concept(team.id), base_version=0)
    at = run_page("sketch.py", "ru", params={"s": session.id, "t": team.token})
    assert not at.exception
    (args,) = maps_on(at)
    layer = args["feature_group"]
    for marker in MARKERS:
        assert marker not in layer  # sent escaped ({ as \u007b), so no template engine sees a marker
    assert "\\u007b\\u007b 7*7 \\u007d\\u007d" in layer  # and the text is there, as data for textContent


def test_the_comparison_shows_teams_named_with_template_markers(tmp_path, monkeypatch):
    monkeypatch.setenv("CODESIGN_SESSIONS_DIR", str(tmp_path))
    store = FileStore(tmp_path)
    session = store.create_session(site=SITE.id, title="{% raw %}", teams=[(MARKERS[0], None), (MARKERS[1], None)])
    for owner in (session.teams[0].id, session.teams[1].id, PLAN_OWNER):
        store.save_concept(session.id, owner, marked_concept(owner), base_version=0)
    at = run_page("compare.py", "ru", state={"facilitator": True, "current_session": session.id})
    assert not at.exception
    shown = maps_on(at)
    assert len(shown) == 3  # both concepts and the overlay
    assert all(marker not in args["feature_group"] for args in shown for marker in MARKERS)


def test_a_200000_vertex_drawing_is_refused_on_the_tablet_with_the_limit(workshop):
    from unittest import mock

    from codesign.geometry import MAX_SHAPE_VERTICES
    from codesign.i18n import translate
    from tests.app.test_pages import fake_map
    from tests.unit.test_vertex_caps import draft, polygon

    store, session = workshop
    team = session.teams[0]
    with mock.patch("streamlit_folium.st_folium", fake_map([draft(polygon(200_000))])):
        at = run_page("sketch.py", "ru", params={"s": session.id, "t": team.token})
        at.run()  # in the browser the map's callback runs before the page; here it runs inside it
    assert not at.exception
    expected = translate("geometry.too_many_vertices", "ru", count=200_000, limit=MAX_SHAPE_VERTICES)
    assert expected in [e.value for e in at.error]
    assert store.load_latest(session.id, team.id) is None
