"""The facilitator's desk in a real browser: bring in the plan, compare, start the joint vision."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from codesign.domain.concept import concept_from_geojson
from codesign.domain.session import PLAN_OWNER, VISION_OWNER
from codesign.domain.site import load_site
from tests.e2e.conftest import SECRET

pytestmark = pytest.mark.e2e
DATA = Path(__file__).resolve().parents[1] / "data" / "generated"
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'


@pytest.fixture
def desk(browser, server):
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    page = context.new_page()
    page.goto(f"{server[0]}/?key={SECRET}")
    expect(page.get_by_text("Пульт ведущего")).to_be_visible(timeout=30_000)
    yield page
    context.close()


def go(page: Page, nav: str, session_title: str) -> None:
    page.get_by_role("link", name=nav).click()
    combo = page.get_by_role("combobox", name="Сессия")
    expect(combo).to_be_visible(timeout=20_000)
    if session_title not in combo.input_value():
        combo.click()
        page.get_by_role("option", name=re.compile(re.escape(session_title))).first.click()
    expect(page.get_by_role("combobox", name="Сессия")).to_have_value(re.compile(re.escape(session_title)))


def demo_concept(owner: str):
    folder = load_site("aksu-city-square").folder
    path = folder / ("akimat_plan.geojson" if owner == PLAN_OWNER else f"demo/{owner}.geojson")
    return concept_from_geojson(json.loads(path.read_text(encoding="utf-8")))


def test_plan_is_uploaded_mapped_and_compared(server, desk):
    _, store = server
    session = store.create_session(site="aksu-city-square", title="e2e-plan", teams=[("Орлы", None)])
    store.save_concept(session.id, "team-1", demo_concept("team-1"), 0)
    go(desk, "План акимата", "e2e-plan")
    desk.locator("input[type=file]").set_input_files(str(DATA / "aksu_plan_ru.geojson"))
    mapping = desk.locator(".st-key-plan_mapping")
    expect(mapping).to_contain_text("Детская площадка", timeout=20_000)
    expect(desk.locator(".st-key-plan_summary")).to_contain_text("не сопоставлено: 1")
    expect(desk.frame_locator(MAP_FRAME).locator("path.leaflet-interactive").first).to_be_visible(timeout=20_000)
    desk.get_by_role("button", name="Принять и сохранить").click()
    expect(desk.get_by_text("Сохранено: «План акимата», версия 1.")).to_be_visible(timeout=20_000)
    plan = store.load_latest(session.id, PLAN_OWNER)
    assert sorted(f.category for f in plan.features) == ["bench", "lawn", "lawn", "parking", "playground", "walkway"]

    go(desk, "Сравнение", "e2e-plan")
    figures = desk.locator(".st-key-compare_figures")
    expect(figures).to_contain_text("Совпадение", timeout=20_000)
    expect(desk.locator(".st-key-compare_table")).to_contain_text("Парковка")
    expect(desk.locator(MAP_FRAME)).to_have_count(3, timeout=20_000)  # both concepts and the overlay


def test_joint_vision_from_consensus_edited_saved_and_compared(server, desk):
    _, store = server
    session = store.create_session(site="aksu-city-square", title="e2e-vision", teams=[("A", None), ("B", None)])
    for owner in ("team-1", "team-2", PLAN_OWNER):
        store.save_concept(session.id, owner, demo_concept(owner), 0)
    go(desk, "Согласие", "e2e-vision")
    expect(desk.locator(".st-key-consensus_figures")).to_contain_text("Согласовано", timeout=20_000)
    desk.get_by_role("button", name="Начать общее видение с согласованного").click()
    expect(desk.get_by_text("Общее видение создано")).to_be_visible(timeout=30_000)
    vision = store.load_latest(session.id, VISION_OWNER)
    assert vision.version == 1
    zones_before = len(vision.features)

    frame = desk.frame_locator(MAP_FRAME)
    expect(frame.locator("a.leaflet-draw-draw-marker")).to_be_visible(timeout=30_000)
    frame.locator("a.leaflet-draw-draw-marker").click()
    box = frame.locator(".leaflet-container").bounding_box()
    desk.mouse.click(box["x"] + box["width"] * 0.52, box["y"] + box["height"] * 0.47)
    expect(desk.locator(".st-key-save_status")).to_contain_text("версия 2", timeout=20_000)
    edited = store.load_latest(session.id, VISION_OWNER)
    assert len(edited.features) == zones_before + 1
    assert edited.features[-1].category == "bench"

    go(desk, "Сравнение", "e2e-vision")
    desk.get_by_role("combobox", name="Концепция").click()
    desk.get_by_role("option", name="Общее видение").click()
    expect(desk.get_by_role("combobox", name="Концепция")).to_have_value("Общее видение")
    expect(desk.get_by_role("combobox", name="Сравнить с")).to_have_value("План акимата")
    expect(desk.locator(".st-key-compare_figures")).to_contain_text("Совпадение", timeout=20_000)
