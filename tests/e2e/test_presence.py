"""Presence kept in the store: a tablet on one app server shows as connected on the other's projector."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from codesign.domain.access import join_link
from codesign.i18n import translate
from tests.e2e.test_postgis_servers import new_tablet, open_gallery, two_servers  # noqa: F401 - fixtures
from tests.e2e.test_sketch import open_sketch

pytestmark = pytest.mark.e2e


def shown(key: str) -> str:
    """A projector status as its text reads on the page (the Material icon's name is drawn, not read)."""
    return re.sub(r"^:material/[a-z_]+: ", "", translate(key, "ru"))


def test_a_tablet_on_server_a_is_connected_on_server_bs_projector_and_idle_after_it_leaves(
    two_servers,  # noqa: F811 - the fixture
    browser,
    new_tablet,  # noqa: F811 - the fixture
):
    server_a, server_b, store = two_servers
    session = store.create_session(site="aksu-city-square", title="e2e-presence", teams=[("Орлы", None)])
    team = session.teams[0]
    projector = open_gallery(browser, server_b, session.title)
    card = projector.locator(f".st-key-gallery_{team.id}")
    expect(card).to_contain_text(shown("projector.idle"), timeout=30_000)

    context = new_tablet()
    open_sketch(context, join_link(server_a, session.id, team.token))
    expect(card).to_contain_text(shown("projector.connected"), timeout=20_000)  # server B, no reload
    assert team.id in store.presence(session.id)

    context.close()  # the tablet leaves: no heartbeat for 15 s
    expect(card).to_contain_text(shown("projector.idle"), timeout=40_000)
    projector.context.close()
