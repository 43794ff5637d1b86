"""On a tablet: switching language keeps the map's view and a half-drawn shape; two rectangles
drawn side by side by taps come out sharing their edge (snapping)."""

from __future__ import annotations

import time

import pytest
import shapely
from playwright.sync_api import expect

from codesign.domain.access import join_link
from codesign.domain.site import load_site
from codesign.i18n import translate
from tests.e2e.test_sketch import open_sketch, tap_map

pytestmark = pytest.mark.e2e

VIEW = "() => { const c = window.map.getCenter(); return [window.map.getZoom(), c.lat, c.lng]; }"


def wait_for_features(store, session_id, team_id, count, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        latest = store.load_latest(session_id, team_id)
        if latest is not None and len(latest.features) == count:
            return latest
        time.sleep(0.2)
    raise AssertionError(f"the team's concept never had {count} features")


def test_switching_language_keeps_the_view_and_the_half_drawn_shape(server, tablet):
    base_url, store = server
    session = store.create_session(site="aksu-city-square", title="e2e-lang", teams=[("Орлы", None)])
    team = session.teams[0]
    page, frame = open_sketch(tablet, join_link(base_url, session.id, team.token))
    leaflet = frame.locator(".leaflet-container")
    frame.locator("a.leaflet-control-zoom-in").tap()  # a team zooms in to draw
    page.wait_for_timeout(600)
    leaflet.evaluate("() => { window.cdProbe = 'the same map'; }")
    view = leaflet.evaluate(VIEW)

    frame.locator("a.leaflet-draw-draw-polygon").tap()
    for fx, fy in [(0.35, 0.4), (0.6, 0.4)]:  # two corners of a zone, then the language
        tap_map(page, frame, fx, fy)
    expect(frame.locator(".leaflet-editing-icon")).to_have_count(2)

    page.get_by_text("Қазақша", exact=True).tap()
    expect(page.locator(".st-key-palette")).to_contain_text("Балалар алаңы", timeout=15_000)
    expect(frame.locator("a.leaflet-draw-draw-polygon")).to_have_attribute("title", "Аймақ салу", timeout=15_000)
    expect(frame.locator(".leaflet-draw-actions").first).to_contain_text(translate("draw.finish", "kk"))
    assert leaflet.evaluate("() => window.cdProbe") == "the same map"  # not rebuilt
    assert leaflet.evaluate(VIEW) == view  # same zoom, same centre
    expect(frame.locator(".leaflet-editing-icon")).to_have_count(2)  # the half-drawn zone is still there

    for fx, fy in [(0.6, 0.6), (0.35, 0.6), (0.35, 0.4)]:  # finish it
        tap_map(page, frame, fx, fy)
    saved = wait_for_features(store, session.id, team.id, 1)
    assert saved.features[0].kind == "zone"
    expect(page.locator(".st-key-save_status")).to_contain_text("Сақталды", timeout=15_000)
    assert leaflet.evaluate(VIEW) == view  # saving keeps the view too
    assert tablet.outside_requests == []


def test_two_adjacent_rectangles_drawn_by_taps_share_their_edge(server, tablet):
    base_url, store = server
    session = store.create_session(site="aksu-city-square", title="e2e-snap", teams=[("Орлы", None)])
    team = session.teams[0]
    page, frame = open_sketch(tablet, join_link(base_url, session.id, team.token))
    leaflet = frame.locator(".leaflet-container")
    box = leaflet.bounding_box()
    metres_per_px = leaflet.evaluate(
        "() => window.map.distance(window.map.containerPointToLatLng([0, 0]),"
        " window.map.containerPointToLatLng([100, 0])) / 100"
    )
    gap = 0.7 / metres_per_px / box["width"]  # a finger's 0.7 m gap between the two, as a share of the width
    drop = 0.4 / metres_per_px / box["height"]  # and the second one 0.4 m lower

    def rectangle(x0, y0, x1, y1):
        frame.locator("a.leaflet-draw-draw-polygon").tap()
        for fx, fy in [(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]:
            tap_map(page, frame, fx, fy)

    rectangle(0.3, 0.4, 0.45, 0.6)
    wait_for_features(store, session.id, team.id, 1)
    expect(page.locator(".st-key-save_status")).to_contain_text("версия 1", timeout=15_000)
    rectangle(0.45 + gap, 0.4 + drop, 0.6, 0.6 + drop)
    saved = wait_for_features(store, session.id, team.id, 2)

    frame_ = load_site("aksu-city-square").frame
    a, b = (frame_.to_metric(f.geometry) for f in saved.features)
    height = a.bounds[3] - a.bounds[1]
    assert a.distance(b) == pytest.approx(0, abs=0.02)
    assert a.intersection(b).area < 0.05  # no overlap (a few cm² of rounding at most)
    assert a.boundary.intersection(b.boundary).length == pytest.approx(height, rel=0.05)  # one shared edge
    assert shapely.union_all([a, b]).geom_type == "Polygon"  # no sliver of gap between them
    snapped = translate("geometry.snapped", "ru", count=0, shift=0).split("(")[0].strip()
    expect(page.locator(".st-key-messages")).to_contain_text(snapped, timeout=15_000)
