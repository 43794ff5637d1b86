"""On a tablet, a parking drawn next to a playground turns the norm's badge red; tapping it outlines it on the map."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from codesign.domain.access import join_link
from codesign.render.norms import FAIL_COLOUR
from tests.e2e.test_sketch import MAP_FRAME, open_sketch, tap_map

pytestmark = pytest.mark.e2e
BADGE = ".st-key-norm-{status}-parking-playground"


def draw_box(page, frame, left: float, right: float, top: float = 0.42, bottom: float = 0.58) -> None:
    frame.locator("a.leaflet-draw-draw-polygon").tap()
    for fx, fy in [(left, top), (right, top), (right, bottom), (left, bottom), (left, top)]:
        tap_map(page, frame, fx, fy)


def test_parking_next_to_a_playground_turns_the_badge_red(server, tablet):
    base_url, store = server
    session = store.create_session(site="aksu-city-square", title="e2e-norms", teams=[("Орлы", None)])
    team = session.teams[0]
    page, frame = open_sketch(tablet, join_link(base_url, session.id, team.token))
    expect(page.locator(BADGE.format(status="na"))).to_be_visible(timeout=20_000)  # nothing drawn yet

    draw_box(page, frame, 0.30, 0.45)  # the palette starts on the playground
    expect(page.locator(".st-key-figures")).to_contain_text("Детская площадка", timeout=15_000)
    page.locator(".st-key-palette").get_by_role("radio", name="Парковка", exact=True).tap()
    draw_box(page, frame, 0.48, 0.58)  # a few metres east of it
    expect(page.locator(".st-key-figures")).to_contain_text("Парковка", timeout=15_000)

    red = page.locator(BADGE.format(status="fail"))
    expect(red).to_be_visible(timeout=15_000)
    expect(red).to_contain_text("❌")
    expect(red.locator("button")).to_have_count(1, timeout=15_000)
    colour = red.locator("button").evaluate("b => getComputedStyle(b).borderTopColor")
    assert colour == "rgb(204, 51, 17)"  # #CC3311
    saved = store.load_latest(session.id, team.id)
    assert sorted(f.category for f in saved.features) == ["parking", "playground"]

    red.locator("button").tap()
    expect(page.locator(".st-key-norm_explain")).to_contain_text("Нарушено", timeout=15_000)
    expect(page.locator(".st-key-norm_explain")).to_contain_text("не ближе 25 м")
    outline = page.frame_locator(MAP_FRAME).locator(f'path[stroke="{FAIL_COLOUR}"]')
    expect(outline.first).to_be_attached(timeout=15_000)
    page.screenshot(path=str(store.root / "norms-badge.png"), full_page=True)
    page.locator(MAP_FRAME).scroll_into_view_if_needed()
    page.screenshot(path=str(store.root / "norms-outline.png"))
    page.get_by_text("Қазақша", exact=True).tap()  # the badges in Kazakh
    expect(page.locator(BADGE.format(status="fail"))).to_contain_text("Тұрақ — балалар 25 м", timeout=15_000)
    page.screenshot(path=str(store.root / "norms-badge-kk.png"), full_page=True)
    assert tablet.outside_requests == []
