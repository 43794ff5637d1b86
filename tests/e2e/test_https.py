"""The app served over HTTPS with a self-signed certificate, as the README tells a venue to do."""

from __future__ import annotations

import ssl
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect

from codesign.domain.access import facilitator_link, join_link
from codesign.i18n import translate
from codesign.storage.files import FileStore
from tests.e2e.conftest import SECRET
from tests.support.serve import running_app
from tests.unit.test_serve import self_signed

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def https_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("https")
    cert, key = self_signed(folder)
    env = {"CODESIGN_SESSIONS_DIR": str(folder / "sessions"), "CODESIGN_FACILITATOR_SECRET": SECRET}
    with running_app(env, log_path=folder / "server.log", ssl_cert=cert, ssl_key=key) as base_url:
        yield base_url, cert, FileStore(folder / "sessions"), folder / "server.log"


def test_health_answers_over_https_and_only_with_the_certificate_trusted(https_server):
    base_url, cert, _, _ = https_server
    assert base_url.startswith("https://127.0.0.1:")
    trusted = ssl.create_default_context(cafile=str(cert))
    with urllib.request.urlopen(f"{base_url}/_stcore/health", context=trusted, timeout=10) as answer:
        assert (answer.status, answer.read()) == (200, b"ok")
    with pytest.raises(urllib.error.URLError) as untrusted:  # the certificate is really checked
        urllib.request.urlopen(f"{base_url}/_stcore/health", context=ssl.create_default_context(), timeout=10)
    assert isinstance(untrusted.value.reason, ssl.SSLCertVerificationError)
    plain = base_url.replace("https://", "http://")
    with pytest.raises((OSError, urllib.error.URLError)):  # no plain-HTTP page with tokens in the clear
        urllib.request.urlopen(f"{plain}/_stcore/health", timeout=10).read()


def test_a_tablet_draws_over_https(https_server, browser, playwright):
    """The whole app (page, websocket over TLS, map) works over HTTPS; the printed links use https."""
    base_url, _, store, log = https_server
    session = store.create_session(site="aksu-city-square", title="https", teams=[("Орлы", None)])
    device = {k: v for k, v in playwright.devices["iPad Pro 11"].items() if k != "default_browser_type"}
    context = browser.new_context(**device, ignore_https_errors=True)  # self-signed: the hall's tablets accept it once
    try:
        page = context.new_page()
        page.goto(join_link(base_url, session.id, session.teams[0].token))
        expect(page.locator(".st-key-save_status")).to_contain_text(translate("save.nothing_yet", "ru"), timeout=30_000)
        assert page.url.startswith("https://")
    finally:
        context.close()
    assert facilitator_link(base_url, SECRET) in log.read_text()  # the link the app prints is https too
