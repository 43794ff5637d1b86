"""Three browsers at once: two team tablets and the projector run a round, a save, a lock, a vote."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from codesign.domain.access import join_link
from tests.e2e.conftest import SECRET
from tests.e2e.test_sketch import open_sketch, tap_map

pytestmark = pytest.mark.e2e
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'


def projector_view(page: Page, name: str) -> None:
    page.get_by_text(name, exact=True).first.click()


def test_two_tablets_and_the_projector(server, browser, tablet):
    base_url, store = server
    session = store.create_session(site="aksu-city-square", title="e2e-room", teams=[("Орлы", None), ("Соколы", None)])
    team_a, team_b = session.teams

    projector = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
    projector.goto(f"{base_url}/?key={SECRET}")
    projector.get_by_role("link", name="Проектор").click()
    combo = projector.get_by_role("combobox", name="Сессия")
    combo.click()
    projector.get_by_role("option", name=re.compile("e2e-room")).first.click()
    expect(projector.get_by_text(team_a.name, exact=True).first).to_be_visible(timeout=20_000)

    projector_view(projector, "Раунды")
    rounds = projector.get_by_role("textbox", name="По одному раунду на строку: название, минуты, тип")
    rounds.fill("Эскиз 25 sketch\nГолосование 5 vote")
    projector.get_by_role("button", name="Сохранить раунды").click()
    projector.get_by_role("button", name="Начать").first.click()
    expect(projector.get_by_role("button", name="Завершить")).to_be_enabled(timeout=20_000)

    page_a, frame_a = open_sketch(tablet, join_link(base_url, session.id, team_a.token))
    page_b, frame_b = open_sketch(tablet, join_link(base_url, session.id, team_b.token))

    projector_view(projector, "Галерея")
    card_a = projector.locator(f".st-key-gallery_{team_a.id}")
    expect(card_a).to_contain_text("ещё ничего не сохранено", timeout=20_000)
    frame_a.locator("a.leaflet-draw-draw-marker").tap()
    tap_map(page_a, frame_a, 0.5, 0.5)
    expect(page_a.locator(".st-key-save_status")).to_contain_text("версия 1", timeout=15_000)
    expect(card_a).to_contain_text("Версия 1", timeout=10_000)  # no reload on the projector

    projector_view(projector, "Раунды")
    projector.get_by_role("button", name="Завершить").click()
    for page in (page_a, page_b):
        expect(page.locator(".st-key-locked")).to_contain_text("рисовать сейчас нельзя", timeout=10_000)
        expect(page.frame_locator(MAP_FRAME).locator("a.leaflet-draw-draw-marker")).to_have_count(0, timeout=10_000)

    projector.get_by_role("button", name="Начать").nth(1).click()
    expect(page_b.locator(".st-key-vote_panel")).to_contain_text("Осталось точек: 3 из 3", timeout=10_000)
    page_b.locator(".st-key-vote_panel").get_by_role("button", name="+").first.tap()
    expect(page_b.locator(".st-key-vote_panel")).to_contain_text("Осталось точек: 2 из 3", timeout=10_000)
    projector_view(projector, "Голоса")
    expect(projector.locator(".st-key-vote_tally")).to_contain_text("Скамейка", timeout=10_000)
    expect(projector.locator(".st-key-vote_tally")).to_contain_text("● 1")
    rules, votes = store.load_votes(session.id)
    assert [(v.team, v.target_owner, v.target_feature) for v in votes] == [("team-2", "team-1", "f1")]
    projector.context.close()
