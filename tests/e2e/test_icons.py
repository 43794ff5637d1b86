"""No icon on the tablet or the projector depends on an emoji font: every text on the page and in
the map is scanned for emoji, the map's markers are SVG, Streamlit's icons use its own font."""

from __future__ import annotations

import base64
import json
import os
import re
import urllib.parse
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from codesign.domain.access import join_link
from codesign.domain.concept import concept_from_geojson
from codesign.domain.site import load_site
from tests.e2e.conftest import SECRET
from tests.e2e.test_sketch import MAP_FRAME, open_sketch
from tests.unit.test_icons import EMOJI

pytestmark = pytest.mark.e2e
#: Screenshots for people to look at (CI keeps them beside the test log).
SHOTS = Path(os.environ.get("CODESIGN_SCREENSHOTS", "/tmp/codesign-screenshots"))

ALL_TEXT = """() => {
  const texts = [document.title, document.body.innerText];
  document.querySelectorAll("[title], [aria-label], [placeholder]").forEach(el => {
    for (const a of ["title", "aria-label", "placeholder"]) { if (el.getAttribute(a)) texts.push(el.getAttribute(a)); }
  });
  return texts.join("\\n");
}"""
#: The Material icons Streamlit draws: each must be set in its bundled Material Symbols font.
MATERIAL_FONTS = """() => [...document.querySelectorAll('[data-testid="stIconMaterial"]')].map(
  el => getComputedStyle(el).fontFamily)"""


def emoji_in(text: str) -> list[str]:
    return sorted({m.group(0) for m in EMOJI.finditer(text)})


def check_page(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))
    assert emoji_in(page.evaluate(ALL_TEXT)) == [], name
    for frame in page.frames[1:]:
        assert emoji_in(frame.evaluate(ALL_TEXT)) == [], f"{name}: {frame.url}"
    fonts = page.evaluate(MATERIAL_FONTS)
    assert fonts, f"{name}: no Material icon at all"
    assert all("Material Symbols" in font for font in fonts), set(fonts)
    assert page.evaluate("() => document.fonts.check('24px \"Material Symbols Rounded\"')")


def svg_of(page: Page, src: str) -> str:
    """The SVG document behind an image's ``src`` (a data: URL or one the app serves)."""
    if src.startswith("data:"):
        head, _, body = src.partition(",")
        return base64.b64decode(body).decode() if head.endswith(";base64") else urllib.parse.unquote(body)
    return page.request.get(src).text()


def saved_demo(store, session_id: str, team_id: str) -> int:
    folder = load_site("aksu-city-square").folder
    concept = concept_from_geojson(json.loads((folder / "demo" / "team-1.geojson").read_text(encoding="utf-8")))
    store.save_concept(session_id, team_id, concept, 0)
    return sum(f.kind == "amenity" for f in concept.features)


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_no_icon_on_the_tablet_depends_on_an_emoji_font(server, tablet, lang):
    base_url, store = server
    session = store.create_session(site="aksu-city-square", title=f"e2e-icons-{lang}", teams=[("Орлы", None)])
    team = session.teams[0]
    amenities = saved_demo(store, session.id, team.id)
    page, frame = open_sketch(tablet, join_link(base_url, session.id, team.token) + f"&lang={lang}")
    markers = frame.locator(".cd-amenity")
    expect(markers).to_have_count(amenities, timeout=20_000)
    expect(frame.locator(".cd-amenity svg path")).to_have_count(amenities)
    assert set(markers.all_inner_texts()) == {""}  # a picture, no character
    expect(page.locator(".st-key-palette [data-testid='stIconMaterial']").first).to_be_visible()
    check_page(page, f"tablet-{lang}")
    assert tablet.outside_requests == []  # no icon, font or favicon fetched from outside


def test_no_icon_on_the_projector_depends_on_an_emoji_font(server, browser):
    base_url, store = server
    session = store.create_session(site="aksu-city-square", title="e2e-icons-room", teams=[("Орлы", None)])
    saved_demo(store, session.id, session.teams[0].id)
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    outside: list[str] = []
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(("http://127.0.0.1", "data:", "blob:"))
            else (outside.append(route.request.url), route.abort())
        ),
    )
    projector = context.new_page()
    projector.goto(f"{base_url}/?key={SECRET}")
    projector.get_by_role("link", name="Проектор").click()
    projector.get_by_role("combobox", name="Сессия").click()
    projector.get_by_role("option", name=re.compile("e2e-icons-room")).first.click()
    projector.get_by_text("Галерея", exact=True).first.click()
    card = projector.locator(f".st-key-gallery_{session.teams[0].id}")
    expect(card).to_contain_text("Версия 1", timeout=20_000)
    thumbnail = card.locator("img").first
    expect(thumbnail).to_be_visible()
    svg = svg_of(projector, thumbnail.get_attribute("src") or "")
    assert svg.count("<path transform=") >= 20  # the thumbnail's amenities are icons, not dots
    check_page(projector, "projector-gallery")
    context.close()
    assert outside == []
    assert MAP_FRAME  # the projector's gallery has no map iframe; the tablet test covers it
