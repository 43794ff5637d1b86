"""A team on a tablet draws on the offline map, reloads, and finds its concept saved."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect

from codesign.domain.access import join_link
from codesign.domain.site import load_site

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
pytestmark = pytest.mark.e2e


def open_sketch(context, url: str) -> tuple[Page, object]:
    page = context.new_page()
    page.goto(url)
    frame = page.frame_locator(MAP_FRAME)
    expect(frame.locator(".leaflet-container")).to_be_visible(timeout=30_000)
    expect(frame.locator("a.leaflet-draw-draw-polygon")).to_be_visible()
    return page, frame


def tap_map(page: Page, frame, fx: float, fy: float) -> None:
    box = frame.locator(".leaflet-container").bounding_box()
    page.touchscreen.tap(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
    page.wait_for_timeout(300)  # slower than Leaflet's 200 ms double-tap window, like a person


def draw_playground_and_two_benches(page: Page, frame) -> None:
    frame.locator("a.leaflet-draw-draw-polygon").tap()
    for fx, fy in [(0.35, 0.42), (0.58, 0.42), (0.58, 0.58), (0.35, 0.58), (0.35, 0.42)]:
        tap_map(page, frame, fx, fy)
    expect(page.locator(".st-key-figures")).to_contain_text("Детская площадка", timeout=15_000)
    for fx in (0.45, 0.62):
        frame.locator("a.leaflet-draw-draw-marker").tap()
        tap_map(page, frame, fx, 0.7)
        expect(page.locator(".st-key-save_status")).to_contain_text("Сохранено", timeout=15_000)
    expect(page.locator(".st-key-figures")).to_contain_text("2 шт.", timeout=15_000)


def test_team_draws_reloads_and_finds_its_concept(server, tablet):
    base_url, store = server
    session = store.create_session(site="aksu-city-square", title="e2e", teams=[("Орлы", None), ("Соколы", None)])
    team, other = session.teams
    page, frame = open_sketch(tablet, join_link(base_url, session.id, team.token))
    draw_playground_and_two_benches(page, frame)
    expect(page.locator(".st-key-save_status")).to_contain_text("версия 3")

    page.reload()
    frame = page.frame_locator(MAP_FRAME)
    expect(frame.locator(".cd-amenity")).to_have_count(2, timeout=30_000)
    expect(frame.locator("path.leaflet-interactive")).to_have_count(1)
    expect(page.locator(".st-key-figures")).to_contain_text("Детская площадка")
    expect(page.locator(".st-key-figures")).to_contain_text("2 шт.")

    saved = store.load_latest(session.id, team.id)
    assert [f.category for f in saved.features] == ["playground", "bench", "bench"]
    site = load_site("aksu-city-square")
    for feature in saved.features:
        assert site.boundary.buffer(1e-6).covers(feature.geometry)
    area = site.frame.to_metric(saved.features[0].geometry).area
    assert 200 < area < 10_000, area  # a tablet-sized square on a 3.5 ha park
    raw = json.loads(next((store.root / session.id / "concepts" / team.id).glob("v000003.geojson")).read_text())
    assert [f["properties"]["category"] for f in raw["features"]] == ["playground", "bench", "bench"]
    assert tablet.outside_requests == []  # nothing but the local server: works offline


def test_another_teams_link_cannot_change_it(server, tablet):
    base_url, store = server
    session = store.create_session(site="aksu-city-square", title="e2e-2", teams=[("Орлы", None), ("Соколы", None)])
    team, other = session.teams
    page, frame = open_sketch(tablet, join_link(base_url, session.id, other.token))
    frame.locator("a.leaflet-draw-draw-marker").tap()
    tap_map(page, frame, 0.5, 0.5)
    expect(page.locator(".st-key-save_status")).to_contain_text("Сохранено", timeout=15_000)
    assert store.load_latest(session.id, team.id) is None
    assert [f.category for f in store.load_latest(session.id, other.id).features] == ["bench"]
    # a made-up or borrowed token opens nothing
    for bad in (
        f"{base_url}/sketch?s={session.id}&t={team.token[:-2]}",
        f"{base_url}/sketch?s=aksu-demo&t={team.token}",
    ):
        page.goto(bad)
        expect(page.get_by_text("Ссылка недействительна")).to_be_visible(timeout=20_000)
        expect(page.locator(MAP_FRAME)).to_have_count(0)


def test_language_switch_on_the_tablet(server, tablet):
    base_url, store = server
    hostile = "<img src=x onerror=alert(1)>**Орлы**[x](javascript:a())"
    session = store.create_session(site="aksu-city-square", title="e2e-3", teams=[(hostile, None)])
    dialogs: list[str] = []
    tablet.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page, frame = open_sketch(tablet, join_link(base_url, session.id, session.teams[0].token))
    expect(page.get_by_text(hostile, exact=False)).to_be_visible()  # shown as the text it is
    page.get_by_text("Қазақша", exact=True).tap()
    expect(page.locator(".st-key-palette")).to_contain_text("Балалар алаңы", timeout=15_000)
    expect(page.locator(MAP_FRAME)).to_have_count(1, timeout=15_000)  # the same map, relabelled in place
    frame = page.frame_locator(MAP_FRAME)
    expect(frame.locator("a.leaflet-draw-draw-polygon")).to_have_attribute("title", "Аймақ салу", timeout=20_000)
    assert dialogs == []
    assert page.locator("img[src=x]").count() == 0


def test_delete_and_move_on_the_map_are_saved(server, tablet):
    base_url, store = server
    session = store.create_session(site="aksu-city-square", title="e2e-4", teams=[("Орлы", None)])
    team = session.teams[0]
    page, frame = open_sketch(tablet, join_link(base_url, session.id, team.token))
    for count, fx in ((1, 0.5), (2, 0.6)):
        frame.locator("a.leaflet-draw-draw-marker").tap()
        tap_map(page, frame, fx, 0.5)
        expect(page.locator(".st-key-figures")).to_contain_text(f"{count} шт.", timeout=15_000)
        expect(frame.locator(".cd-amenity")).to_have_count(count, timeout=15_000)
    first_position = store.load_latest(session.id, team.id).feature("f2").geometry

    frame.locator("a.leaflet-draw-edit-remove").tap()
    frame.locator(".cd-amenity").first.tap()
    frame.get_by_text("Сохранить", exact=True).tap()
    expect(page.locator(".st-key-figures")).to_contain_text("1 шт.", timeout=15_000)
    assert [f.id for f in store.load_latest(session.id, team.id).features] == ["f2"]

    expect(frame.locator(".cd-amenity")).to_have_count(1, timeout=15_000)
    frame.locator("a.leaflet-draw-edit-edit").tap()
    marker = frame.locator(".cd-amenity").first.bounding_box()
    page.mouse.move(marker["x"] + 15, marker["y"] + 15)
    page.mouse.down()
    page.mouse.move(marker["x"] + 75, marker["y"] + 60, steps=8)
    page.mouse.up()
    frame.get_by_text("Сохранить", exact=True).tap()
    expect(page.locator(".st-key-save_status")).to_contain_text("версия 4", timeout=15_000)
    moved = store.load_latest(session.id, team.id).feature("f2").geometry
    assert moved.x > first_position.x
    assert moved.y < first_position.y  # dragged right and down on the screen
