"""One address, two app processes: HAProxy (deploy/haproxy/codesign.cfg) in front of both, on PostGIS.

A projector and four tablets reach the workshop only through the proxy's https:// address. Every
tablet's saves are kept (none lost, none twice), the gallery shows every team whichever process
serves the projector, and a tablet whose process dies reconnects through the proxy to the other
one and its next drawing is saved.
"""

from __future__ import annotations

import http.client
import re
import secrets
import ssl
import urllib.parse

import psycopg
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from codesign.domain.access import facilitator_link, join_link
from codesign.storage.postgis import PostgisStore, url_with_schema
from tests.e2e.conftest import SECRET
from tests.e2e.test_postgis_servers import place_bench
from tests.support.proxy import running_room

pytestmark = pytest.mark.e2e
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'


@pytest.fixture(scope="module")
def room(postgis_server_url, tmp_path_factory):
    """Two app processes on one PostGIS database (a fresh schema) behind HAProxy; yields (the room, the store)."""
    folder = tmp_path_factory.mktemp("proxy")
    schema = f"test_proxy_{secrets.token_hex(6)}"
    with psycopg.connect(postgis_server_url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    url = url_with_schema(postgis_server_url, schema)
    env = {"CODESIGN_DATABASE_URL": url, "CODESIGN_FACILITATOR_SECRET": SECRET}
    try:
        with running_room(env, folder) as room, PostgisStore(url) as store:
            yield room, store
    finally:
        with psycopg.connect(postgis_server_url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def _served_by(context) -> str:
    """Which process HAProxy's cookie ties this browser to."""
    return next(c["value"] for c in context.cookies() if c["name"] == "SERVERID")


def _request(url: str, method: str = "GET", headers: dict[str, str] | None = None) -> http.client.HTTPResponse:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == "https":
        conn = http.client.HTTPSConnection(parts.netloc, context=ssl._create_unverified_context(), timeout=10)
    else:
        conn = http.client.HTTPConnection(parts.netloc, timeout=10)
    conn.request(method, parts.path or "/", headers=headers or {})
    return conn.getresponse()


def _choose_session(page, title: str) -> None:
    """Pick the session on the projector page (a rerun may close the list the first time on a busy machine)."""
    for attempt in range(3):
        page.get_by_role("combobox", name="Сессия").click(timeout=30_000)
        try:
            page.get_by_role("option", name=re.compile(re.escape(title))).first.click(timeout=10_000)
            return
        except PlaywrightTimeoutError:
            if attempt == 2:
                raise
            page.keyboard.press("Escape")


def test_plain_http_redirects_and_oversized_uploads_are_refused_at_the_door(room):
    proxy, _ = room
    moved = _request(f"{proxy.http_url}/sketch?s=x&t=y")
    assert moved.status == 301
    assert moved.getheader("Location").startswith("https://")
    health = _request(f"{proxy.url}/_stcore/health")
    assert (health.status, health.read()) == (200, b"ok")
    assert re.search(r"SERVERID=app[12]; path=/; HttpOnly; Secure", health.getheader("Set-Cookie"))  # sticky
    assert "max-age" in health.getheader("Strict-Transport-Security")
    big = _request(f"{proxy.url}/_stcore/upload_file/x/y", "PUT", {"Content-Length": str(30 * 2**20)})
    assert big.status == 413  # over Streamlit's 25 MiB: refused before it is read


def test_four_tablets_and_a_projector_through_one_address(room, browser, playwright):
    proxy, store = room
    teams = [(name, None) for name in ("Орлы", "Соколы", "Беркуты", "Совы")]
    session = store.create_session(site="aksu-city-square", title="e2e-proxy", teams=teams)
    device = {k: v for k, v in playwright.devices["iPad Pro 11"].items() if k != "default_browser_type"}
    contexts = []

    def new_context(**options):
        context = browser.new_context(ignore_https_errors=True, **options)  # the hall's self-signed certificate
        contexts.append(context)
        return context

    try:
        tablets = []
        for team in session.teams:
            context = new_context(**device)
            page = context.new_page()
            page.goto(join_link(proxy.url, session.id, team.token))
            frame = page.frame_locator(MAP_FRAME)
            expect(frame.locator("a.leaflet-draw-draw-marker")).to_be_visible(timeout=60_000)
            tablets.append((team, context, page, frame))
        served = {team.id: _served_by(context) for team, context, _, _ in tablets}
        assert set(served.values()) == {"app1", "app2"}, served  # the tablets are spread over both processes

        for number, fx in enumerate((0.45, 0.55), start=1):
            for _, _, page, frame in tablets:  # four saves in flight together
                place_bench(page, frame, fx, 0.5)
            for _, _, page, _ in tablets:
                expect(page.locator(".st-key-save_status")).to_contain_text(f"версия {number}", timeout=30_000)

        for team in session.teams:  # every save kept, none twice
            assert [v.version for v in store.versions(session.id, team.id)] == [1, 2]
            assert [f.category for f in store.load_latest(session.id, team.id).features] == ["bench", "bench"]

        # the gallery, on each process in turn (a projector tied to app1, another to app2)
        host = urllib.parse.urlsplit(proxy.url).hostname
        for name in ("app1", "app2"):
            projector = new_context(viewport={"width": 1920, "height": 1080})
            projector.add_cookies([{"name": "SERVERID", "value": name, "domain": host, "path": "/"}])
            page = projector.new_page()
            page.goto(facilitator_link(proxy.url, SECRET))
            page.get_by_role("link", name="Проектор").click()
            _choose_session(page, "e2e-proxy")
            page.get_by_text("Галерея", exact=True).first.click(timeout=30_000)
            for team in session.teams:
                expect(page.locator(f".st-key-gallery_{team.id}")).to_contain_text("Версия 2", timeout=30_000)
            assert _served_by(projector) == name
            projector.close()

        # the process of the first tablet dies; the tablet reconnects through the proxy to the other
        team, context, page, frame = tablets[0]
        dead = served[team.id]
        proxy.app(dead).stop()
        # Streamlit's page reconnects by itself; the new process opens the team's saved work
        expect(page.locator(".st-key-save_status")).to_contain_text("Открыта версия 2", timeout=60_000)
        expect(frame.locator(".cd-amenity")).to_have_count(2, timeout=30_000)
        place_bench(page, frame, 0.5, 0.6)
        expect(page.locator(".st-key-save_status")).to_contain_text("версия 3", timeout=60_000)
        assert _served_by(context) != dead
        assert [v.version for v in store.versions(session.id, team.id)] == [1, 2, 3]
        assert len(store.load_latest(session.id, team.id).features) == 3
    finally:
        for context in contexts:
            context.close()
