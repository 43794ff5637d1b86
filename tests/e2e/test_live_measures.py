"""While a team draws, the tooltip shows the zone's area (m²) and the path's length (m) in its language."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from codesign.domain.access import join_link
from codesign.domain.site import load_site
from tests.e2e.test_sketch import open_sketch, tap_map

pytestmark = pytest.mark.e2e


def number(text: str) -> float:
    return float(re.sub(r"[\s\u00a0,]", "", text))


def test_zone_area_and_path_length_show_while_drawing(server, tablet):
    base_url, store = server
    session = store.create_session(site="aksu-city-square", title="e2e", teams=[("Орлы", None)])
    team = session.teams[0]
    page, frame = open_sketch(tablet, join_link(base_url, session.id, team.token))
    tooltip = frame.locator(".leaflet-draw-tooltip")

    frame.locator("a.leaflet-draw-draw-polygon").tap()
    for fx, fy in [(0.35, 0.42), (0.58, 0.42), (0.58, 0.58)]:
        tap_map(page, frame, fx, fy)
    expect(tooltip).to_contain_text("м²")  # Russian unit, never ha or km²
    tap_map(page, frame, 0.35, 0.58)
    live = re.search(r"([\d\u00a0]+)\u00a0м²", tooltip.inner_text())
    assert live, tooltip.inner_text()
    live_area = number(live.group(1))
    tap_map(page, frame, 0.35, 0.42)  # closes the shape: saved
    expect(page.locator(".st-key-save_status")).to_contain_text("версия 1", timeout=15_000)
    saved = store.load_latest(session.id, team.id)
    area = load_site("aksu-city-square").frame.to_metric(saved.features[0].geometry).area
    assert live_area == pytest.approx(area, rel=0.03)  # the sphere's area against the site's UTM area

    frame.locator("a.leaflet-draw-draw-polyline").tap()
    tap_map(page, frame, 0.30, 0.75)
    expect(tooltip).to_contain_text(re.compile("\\d\u00a0м(?!²)"))  # the running length so far, in metres


def test_units_follow_the_language(server, tablet):
    base_url, store = server
    session = store.create_session(site="aksu-city-square", title="e2e", teams=[("Eagles", None)])
    page, frame = open_sketch(tablet, join_link(base_url, session.id, session.teams[0].token) + "&lang=en")
    frame.locator("a.leaflet-draw-draw-polygon").tap()
    for fx, fy in [(0.35, 0.42), (0.58, 0.42), (0.58, 0.58)]:
        tap_map(page, frame, fx, fy)
    expect(frame.locator(".leaflet-draw-tooltip")).to_contain_text("m²")
