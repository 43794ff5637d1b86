"""Paper sheets in a real browser: a photo of a drawn-on sheet uploaded, its colours mapped, saved, compared."""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import expect

from codesign.domain.paper import from_paper
from codesign.domain.site import load_site
from codesign.services.paper import session_sheets
from tests.e2e.test_desk import MAP_FRAME, desk, go  # noqa: F401 - desk is a fixture
from tests.support.paper_photos import PhotoSettings, aksu_drawing, draw_on_page, photograph, render_page

pytestmark = pytest.mark.e2e
SHOTS = os.environ.get("CODESIGN_SCREENSHOTS")  # a folder: keep screenshots to look at


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def _choose(page, label: str, option: str) -> None:
    combo = page.get_by_role("combobox", name=label)
    combo.scroll_into_view_if_needed()
    combo.click()
    combo.press_sequentially(option)  # filters the list: the option is the first shown
    page.get_by_role("option", name=re.compile(re.escape(option))).first.click()
    expect(page.get_by_role("combobox", name=label)).to_have_value(re.compile(re.escape(option)), timeout=20_000)


def test_a_photographed_sheet_becomes_the_teams_concept(server, desk, tmp_path):  # noqa: F811
    _, store = server
    session = store.create_session(site="aksu-city-square", title="e2e-paper", teams=[("Орлы", None)])
    site = load_site("aksu-city-square")
    pdf = session_sheets(store, session.id, "ru", dpi=150)
    page, _ = draw_on_page(render_page(pdf, 8.0), 8.0, site, "a4", aksu_drawing(site))
    photo = tmp_path / "IMG_0412.jpg"
    photo.write_bytes(photograph(page, PhotoSettings(size=(3000, 2250))))

    go(desk, "Бумажные листы", "e2e-paper")
    desk.locator("input[type=file]").set_input_files(str(photo))
    expect(desk.locator(".st-key-paper_read")).to_contain_text("4 из 4", timeout=60_000)
    mapping = desk.locator(".st-key-paper_mapping")
    expect(mapping).to_contain_text("Фиолетовый", timeout=20_000)
    _choose(desk, "Категория для цвета «Зелёный»", "Газон")
    expect(desk.locator(".st-key-paper_summary")).to_contain_text("Будет сохранено объектов: 1", timeout=20_000)
    _choose(desk, "Категория для цвета «Фиолетовый»", "Скамейка")
    expect(desk.locator(".st-key-paper_summary")).to_contain_text("Будет сохранено объектов: 5", timeout=20_000)
    expect(desk.frame_locator(MAP_FRAME).locator("path.leaflet-interactive").first).to_be_visible(timeout=20_000)
    _shot(desk, "paper_page_ru")
    desk.locator(MAP_FRAME).scroll_into_view_if_needed()
    desk.wait_for_timeout(1500)  # the map's tiles-free layers settle
    _shot(desk, "paper_preview_ru")
    desk.get_by_role("button", name="Сохранить как следующую версию «Орлы»").click()
    expect(desk.get_by_text("Сохранено как версия 1 команды «Орлы»")).to_be_visible(timeout=20_000)
    saved = store.load_latest(session.id, "team-1")
    assert from_paper(saved)
    assert sorted(f.category for f in saved.features) == ["bench"] * 4 + ["lawn"]

    desk.get_by_role("link", name="Ведущий").click()
    expect(desk.get_by_text("с бумаги, лист")).to_be_visible(timeout=20_000)
    expect(desk.get_by_role("button", name="Сделать листы для всех команд (1)")).to_be_visible()
    _shot(desk, "facilitator_ru")
