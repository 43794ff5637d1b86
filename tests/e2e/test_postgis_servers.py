"""Two app servers on one PostGIS database: what a tablet saves on one, the other shows; nothing is lost.

Each server is its own Streamlit process on its own port with its own (unused) sessions folder,
so the only thing they share is ``CODESIGN_DATABASE_URL``, as two laptops in a hall would.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from codesign.domain.access import join_link
from codesign.storage.postgis import PostgisStore
from tests.e2e.conftest import SECRET
from tests.e2e.test_sketch import open_sketch
from tests.support.serve import running_app

pytestmark = pytest.mark.e2e
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'


@pytest.fixture
def two_servers(postgis_url, tmp_path):
    """Servers A and B sharing one fresh database schema; yields (url A, url B, the store)."""
    shared = {"CODESIGN_DATABASE_URL": postgis_url, "CODESIGN_FACILITATOR_SECRET": SECRET}
    with (
        running_app({**shared, "CODESIGN_SESSIONS_DIR": str(tmp_path / "a")}, log_path=tmp_path / "a.log") as a,
        running_app({**shared, "CODESIGN_SESSIONS_DIR": str(tmp_path / "b")}, log_path=tmp_path / "b.log") as b,
        PostgisStore(postgis_url) as store,
    ):
        yield a, b, store
    assert list(tmp_path.glob("*/*/session.json")) == []  # the sessions folders stayed unused


@pytest.fixture
def new_tablet(browser, playwright):
    """Opens touch tablets (iPad Pro 11), each its own browser context; closed afterwards."""
    device = {k: v for k, v in playwright.devices["iPad Pro 11"].items() if k != "default_browser_type"}
    contexts = []

    def open_tablet():
        context = browser.new_context(**device)
        contexts.append(context)
        return context

    yield open_tablet
    for context in contexts:
        context.close()


def open_gallery(browser, base_url: str, session_title: str) -> Page:
    """The projector's gallery of a session, on the given server."""
    page = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
    page.goto(f"{base_url}/?key={SECRET}")
    page.get_by_role("link", name="Проектор").click()
    page.get_by_role("combobox", name="Сессия").click()
    page.get_by_role("option", name=re.compile(re.escape(session_title))).first.click()
    page.get_by_text("Галерея", exact=True).first.click(timeout=20_000)
    return page


def place_bench(page: Page, frame, fx: float, fy: float) -> None:
    """Pick the marker tool and tap the map once; the save runs on the server meanwhile."""
    frame.locator("a.leaflet-draw-draw-marker").tap()
    page.wait_for_timeout(300)
    box = frame.locator(".leaflet-container").bounding_box()
    page.touchscreen.tap(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)


def test_a_save_on_server_a_shows_on_server_b(two_servers, browser, new_tablet):
    server_a, server_b, store = two_servers
    session = store.create_session(site="aksu-city-square", title="e2e-two-servers", teams=[("Орлы", None)])
    team = session.teams[0]
    projector = open_gallery(browser, server_b, session.title)
    card = projector.locator(f".st-key-gallery_{team.id}")
    expect(card).to_contain_text("ещё ничего не сохранено", timeout=30_000)

    page, frame = open_sketch(new_tablet(), join_link(server_a, session.id, team.token))
    place_bench(page, frame, 0.5, 0.5)
    expect(page.locator(".st-key-save_status")).to_contain_text("версия 1", timeout=15_000)
    expect(card).to_contain_text("Версия 1", timeout=15_000)  # server B, no reload
    assert [f.category for f in store.load_latest(session.id, team.id).features] == ["bench"]
    projector.context.close()


def test_saves_on_both_servers_at_once_lose_nothing(two_servers, new_tablet):
    server_a, server_b, store = two_servers
    session = store.create_session(
        site="aksu-city-square", title="e2e-two-servers-2", teams=[("Орлы", None), ("Соколы", None)]
    )
    team_1, team_2 = session.teams
    page_a, frame_a = open_sketch(new_tablet(), join_link(server_a, session.id, team_1.token))
    page_b, frame_b = open_sketch(new_tablet(), join_link(server_b, session.id, team_2.token))
    for round_number, fx in enumerate((0.42, 0.5, 0.58), start=1):
        place_bench(page_a, frame_a, fx, 0.5)  # both saves are in flight together
        place_bench(page_b, frame_b, fx, 0.55)
        for page in (page_a, page_b):
            expect(page.locator(".st-key-save_status")).to_contain_text(f"версия {round_number}", timeout=20_000)

    for team in (team_1, team_2):
        assert [v.version for v in store.versions(session.id, team.id)] == [1, 2, 3]
        assert [f.category for f in store.load_latest(session.id, team.id).features] == ["bench"] * 3
    assert store.damaged_versions(session.id) == []

    # team 1's work, saved through server A, opens on server B
    page, frame = open_sketch(new_tablet(), join_link(server_b, session.id, team_1.token))
    expect(frame.locator(".cd-amenity")).to_have_count(3, timeout=30_000)
    expect(page.locator(".st-key-figures")).to_contain_text("3 шт.", timeout=15_000)
