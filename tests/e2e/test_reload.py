"""The projector survives a reload: the facilitator's desk stays in that browser, never showing the secret.

A desk token in a cookie brings the desk back after F5, a closed and reopened tab, or a new
browser session on the same browser profile; "sign out every desk" drops it, in an open tab
too. The secret never appears in the address bar or anywhere in the page, and the token is not
left in the page either.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from codesign.domain.access import review_link
from codesign.domain.desks import DESK_COOKIE, token_digest
from codesign.i18n import translate
from tests.e2e.conftest import SECRET

pytestmark = pytest.mark.e2e
DESKTOP = {"viewport": {"width": 1600, "height": 1000}}


def ru(key: str, **params) -> str:
    return translate(key, "ru", **params)


def desk_cookie(context: BrowserContext) -> dict | None:
    return next((c for c in context.cookies() if c["name"] == DESK_COOKIE), None)


def eventually(check, timeout_s: float = 10.0):
    """Poll ``check()`` until it is truthy (cookies are written by the page, a moment later)."""
    import time

    deadline = time.monotonic() + timeout_s
    while not (value := check()):
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)
    return value


def no_secret_on_screen(page: Page) -> None:
    assert SECRET not in page.url
    assert SECRET not in page.content()


def sign_in_by_typing(page: Page, base_url: str) -> None:
    page.goto(base_url)
    page.get_by_text(ru("welcome.facilitator")).click()
    page.get_by_label(ru("welcome.key_label")).fill(SECRET)
    page.get_by_role("button", name=ru("welcome.sign_in")).click()
    expect(page.get_by_role("heading", name=ru("facilitator.title"))).to_be_visible(timeout=30_000)


def test_a_reloaded_projector_keeps_the_desk_and_sign_out_all_drops_it(server, browser):
    base_url, store = server
    session = store.create_session(site="aksu-city-square", title="e2e-reload", teams=[("Орлы", None)])
    context = browser.new_context(**DESKTOP)
    try:
        page = context.new_page()
        sign_in_by_typing(page, base_url)
        eventually(lambda: desk_cookie(context))
        cookie = desk_cookie(context)
        assert cookie["sameSite"] == "Strict"
        assert cookie["expires"] > 0  # a persistent cookie: it survives a browser restart, until the day ends
        token = cookie["value"]
        assert SECRET not in token
        grant = store.find_desk(token_digest(token))
        assert grant is not None
        assert grant.role == "facilitator"

        # the projector: open it, then F5
        page.get_by_role("link", name=ru("nav.projector")).click()
        expect(page.locator(".st-key-join_team-1")).to_be_visible(timeout=30_000)
        page.reload()
        expect(page.get_by_role("link", name=ru("nav.projector"))).to_be_visible(timeout=30_000)
        expect(page.locator(".st-key-join_team-1")).to_be_visible(timeout=30_000)  # still the desk's page
        no_secret_on_screen(page)
        assert token not in page.content()  # the cookie's script is emptied once it ran

        # a laptop waking up / a tab closed and opened again: a new page of the same browser
        page.close()
        page = context.new_page()
        page.goto(base_url)
        expect(page.get_by_role("heading", name=ru("facilitator.title"))).to_be_visible(timeout=30_000)
        no_secret_on_screen(page)
        page.get_by_role("link", name=ru("nav.projector")).click()
        expect(page.locator(".st-key-join_team-1")).to_be_visible(timeout=30_000)

        # another browser (no cookie) is not a desk
        stranger = browser.new_context(**DESKTOP)
        other = stranger.new_page()
        other.goto(f"{base_url}/projector")
        expect(other.get_by_role("heading", name=ru("nav.not_available"))).to_be_visible(timeout=30_000)
        # the stolen-cookie case is bounded: a copied token works only until sign-out or the day's end
        stranger.add_cookies([{**cookie}])
        other.goto(base_url)
        expect(other.get_by_role("heading", name=ru("facilitator.title"))).to_be_visible(timeout=30_000)

        # sign out every desk from the stranger's copy: the open projector leaves the desk on its own
        other.get_by_text(ru("desks.title")).click()
        other.get_by_role("button", name=ru("desks.sign_out_all")).click()
        expect(other.get_by_text(ru("desks.signed_out"))).to_be_visible(timeout=30_000)
        expect(page.get_by_text(ru("desks.signed_out"))).to_be_visible(timeout=20_000)
        expect(page.get_by_role("heading", name=ru("nav.not_available"))).to_be_visible()  # it was on /projector
        expect(page.locator(".st-key-join_team-1")).to_have_count(0)
        assert store.desks() == []
        eventually(lambda: desk_cookie(context) is None)  # the browser forgot it
        page.reload()
        expect(page.get_by_role("heading", name=ru("nav.not_available"))).to_be_visible(timeout=30_000)
        page.goto(base_url)
        expect(page.get_by_role("heading", name=ru("welcome.title"))).to_be_visible(timeout=30_000)
        expect(page.get_by_role("link", name=ru("nav.projector"))).to_have_count(0)
        stranger.close()
        assert session.id  # (the session was only there to fill the projector)
    finally:
        context.close()


def test_the_facilitator_link_leaves_no_secret_and_a_reviewer_keeps_the_review_after_reload(server, browser):
    base_url, store = server
    session = store.create_session(site="aksu-city-square", title="e2e-reload-review", teams=[("Орлы", None)])
    context = browser.new_context(**DESKTOP)
    try:
        page = context.new_page()
        page.goto(f"{base_url}/?key={SECRET}")
        expect(page.get_by_role("heading", name=ru("facilitator.title"))).to_be_visible(timeout=30_000)
        no_secret_on_screen(page)
        eventually(lambda: desk_cookie(context))
        page.reload()
        expect(page.get_by_role("heading", name=ru("facilitator.title"))).to_be_visible(timeout=30_000)
        no_secret_on_screen(page)
    finally:
        context.close()

    department = browser.new_context(**DESKTOP)
    try:
        page = department.new_page()
        page.goto(review_link(base_url, session.id, session.review_token))
        expect(page.get_by_role("heading", name=ru("compare.title"))).to_be_visible(timeout=30_000)
        assert "r=" not in page.url
        eventually(lambda: desk_cookie(department))
        page.reload()  # the address bar no longer holds the review token: the cookie brings the review back
        expect(page.get_by_role("heading", name=ru("compare.title"))).to_be_visible(timeout=30_000)
        expect(page.get_by_role("link", name=ru("nav.consensus"))).to_be_visible()
        store.reissue_token(session.id, "reviewer")  # a reissued review link drops the reviewer's desk
        page.reload()
        expect(page.get_by_role("heading", name=ru("nav.not_available"))).to_be_visible(timeout=30_000)
        expect(page.get_by_role("link", name=ru("nav.consensus"))).to_have_count(0)
    finally:
        department.close()
