"""Every link the app prints opens cleanly in a fresh browser, and a reissued review link stops in an open tab.

The links are taken as the app prints them: the facilitator link from the app's console, the
team links and the review link from the facilitator's page, the QR codes from the projector's
join screen (compared module for module with the printed team link). Each is opened in a new
browser context, as the architecture department or a tablet would, and must show its page with
no dialog over it (Streamlit's "Page not found" is a modal with the test id ``stDialog``).
"""

from __future__ import annotations

import io
import re
from urllib.parse import urljoin

import pytest
import segno
from PIL import Image
from playwright.sync_api import Locator, Page, expect

from codesign.domain.access import facilitator_link, join_link, review_link
from codesign.i18n import translate
from tests.e2e.conftest import SECRET

pytestmark = pytest.mark.e2e
DESKTOP = {"viewport": {"width": 1600, "height": 1000}}


def ru(key: str, **params) -> str:
    return translate(key, "ru", **params)


def opens_cleanly(page: Page, link: str, ready: Locator) -> None:
    """Open ``link``; its page appears and no dialog covers it.

    Streamlit sends "Page not found" in the same run, before the page's content, so once the
    content is visible a dialog would already be there.
    """
    page.goto(link)
    expect(ready).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("stDialog")).to_have_count(0)
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_text("Page not found")).to_have_count(0)


def same_qr(picture: bytes, link: str) -> bool:
    """Whether a QR picture (as served: scaled, maybe JPEG) encodes ``link``, module for module.

    The expected modules are segno's for ``link`` (with the projector's 2-module border); each is
    read back from the picture at its centre.
    """
    expected = [[bool(m) for m in row] for row in segno.make(link, error="m").matrix_iter(scale=1, border=2)]
    shown = Image.open(io.BytesIO(picture)).convert("L")
    size, (width, height) = len(expected), shown.size
    read = [
        [shown.getpixel((int((x + 0.5) * width / size), int((y + 0.5) * height / size))) < 128 for x in range(size)]
        for y in range(size)
    ]
    return read == expected


def printed_links(page: Page, title: str) -> list[str]:
    """The links on the facilitator's page for the session ``title`` (teams first, then review)."""
    combo = page.get_by_role("combobox", name=ru("facilitator.session"))
    combo.click()
    page.get_by_role("option", name=re.compile(re.escape(title))).first.click()
    codes = page.locator('[data-testid="stCode"] code')
    expect(codes).to_have_count(3, timeout=20_000)
    expect(codes.nth(0)).to_contain_text("/sketch?")
    return [text.strip() for text in codes.all_inner_texts()]


def test_every_printed_link_opens_cleanly_in_a_fresh_browser(server, browser, playwright):
    base_url, store = server
    session = store.create_session(site="aksu-city-square", title="e2e-links", teams=[("Орлы", None), ("Соколы", None)])
    tablet_device = {k: v for k, v in playwright.devices["iPad Pro 11"].items() if k != "default_browser_type"}

    # the facilitator link, as the app prints it in its console (on its first request)
    facilitator = facilitator_link(base_url, SECRET)
    desk = browser.new_context(**DESKTOP)
    page = desk.new_page()
    opens_cleanly(page, facilitator, page.get_by_role("heading", name=ru("facilitator.title")))
    assert f"facilitator link:\n    {facilitator}\n" in (store.root / "server.log").read_text()

    # the team links and the review link, as printed on the facilitator's page
    *team_links, review = printed_links(page, "e2e-links")
    assert team_links == [join_link(base_url, session.id, team.token) for team in session.teams]
    assert review == review_link(base_url, session.id, session.review_token)

    # the QR codes on the projector's join screen encode the printed team links
    page.get_by_role("link", name=ru("nav.projector")).click()
    for team, link in zip(session.teams, team_links, strict=True):
        picture = page.locator(f".st-key-join_{team.id} img")
        expect(picture).to_be_visible(timeout=20_000)
        png = page.request.get(urljoin(base_url + "/", picture.get_attribute("src"))).body()
        assert same_qr(png, link), team.id
        assert not same_qr(png, link.replace("t=", "t=x")), team.id  # the check tells links apart
    desk.close()

    # each printed link in a new browser: tablets for the teams, a desktop for the department
    for team, link in zip(session.teams, team_links, strict=True):
        context = browser.new_context(**tablet_device)
        tablet = context.new_page()
        opens_cleanly(tablet, link, tablet.locator(".st-key-save_status"))
        expect(tablet.get_by_role("heading", name=re.compile(team.name))).to_be_visible()
        context.close()
    for link in (review, f"{base_url}/?s={session.id}&r={session.review_token}"):  # also from the root
        context = browser.new_context(**DESKTOP)
        department = context.new_page()
        opens_cleanly(department, link, department.get_by_role("heading", name=ru("compare.title")))
        assert "r=" not in department.url  # the token left the address bar
        expect(department.get_by_role("link", name=ru("nav.consensus"))).to_be_visible()
        context.close()


def test_a_reissued_review_link_stops_in_an_open_tab(server, browser):
    base_url, store = server
    session = store.create_session(site="aksu-city-square", title="e2e-review", teams=[("Орлы", None)])
    context = browser.new_context(**DESKTOP)
    try:
        department = context.new_page()
        link = review_link(base_url, session.id, session.review_token)
        opens_cleanly(department, link, department.get_by_role("heading", name=ru("compare.title")))
        department.get_by_role("link", name=ru("nav.consensus")).click()  # still works before the reissue
        expect(department.get_by_role("heading", name=ru("consensus.title"))).to_be_visible(timeout=20_000)

        store.reissue_token(session.id, "reviewer")
        department.get_by_role("link", name=ru("nav.report")).click()  # the next click in the open tab
        expect(department.get_by_text(ru("review.link_refused"))).to_be_visible(timeout=20_000)
        expect(department.get_by_role("heading", name=ru("nav.not_available"))).to_be_visible()
        expect(department.get_by_test_id("stDialog")).to_have_count(0)
        expect(department.get_by_role("link", name=ru("nav.consensus"))).to_have_count(0)  # no desk menu any more

        department.goto(link)  # the old link in the same browser: refused, cleanly
        expect(department.get_by_text(ru("review.link_refused"))).to_be_visible(timeout=20_000)
        expect(department.get_by_test_id("stDialog")).to_have_count(0)
    finally:
        context.close()


def test_a_reissued_team_link_stops_an_open_tablet_without_a_tap(server, tablet):
    """The tablet's watcher sees the reissue within seconds: it says so, and its map is gone."""
    from tests.e2e.test_sketch import MAP_FRAME, open_sketch

    base_url, store = server
    session = store.create_session(site="aksu-city-square", title="e2e-reissue", teams=[("Орлы", None)])
    page, _ = open_sketch(tablet, join_link(base_url, session.id, session.teams[0].token))
    store.reissue_token(session.id, "team-1")
    expect(page.get_by_text(ru("sketch.link_revoked"))).to_be_visible(timeout=15_000)
    expect(page.locator(MAP_FRAME)).to_have_count(0)
    expect(page.get_by_test_id("stDialog")).to_have_count(0)
