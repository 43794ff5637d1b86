"""A contested area settled by a vote, from a tablet's tap to the joint vision, in a real browser."""

from __future__ import annotations

import re

import pytest
import shapely
from playwright.sync_api import expect

from codesign.domain.access import join_link
from codesign.domain.concept import Concept, ConceptFeature
from codesign.domain.session import VISION_OWNER
from codesign.domain.site import load_site
from codesign.domain.taxonomy import category
from codesign.i18n import translate
from tests.e2e.conftest import SECRET
from tests.e2e.test_sketch import open_sketch

pytestmark = pytest.mark.e2e
LAWN = category("lawn").label("ru")
DESKTOP = {"viewport": {"width": 1600, "height": 1000}}


def ru(key: str, **params) -> str:
    return translate(key, "ru", **params)


def zone(frame, category: str, dx: float, dy: float, w: float, h: float) -> ConceptFeature:
    """A rectangle ``w`` x ``h`` m whose south-west corner is ``dx``, ``dy`` m from the site's centre."""
    c = frame.boundary.centroid
    return ConceptFeature("f1", category, frame.to_lonlat(shapely.box(c.x + dx, c.y + dy, c.x + dx + w, c.y + dy + h)))


def test_a_contested_area_goes_to_a_vote_and_the_tablets_choice_into_the_joint_vision(server, browser, tablet):
    base_url, store = server
    site = load_site("aksu-city-square")
    session = store.create_session(site=site.id, title="e2e-dispute", teams=[("Орлы", None), ("Соколы", None)])
    # one 30 x 20 m rectangle: a playground for one team, a lawn for the other -> one contested area of 600 m²
    for team, use in (("team-1", "playground"), ("team-2", "lawn")):
        drawn = Concept(site.id, team, features=(zone(site.frame, use, -15, -10, 30, 20),))
        store.save_concept(session.id, team, drawn, 0)

    desk_context = browser.new_context(**DESKTOP)
    desk = desk_context.new_page()
    desk.goto(f"{base_url}/?key={SECRET}")
    expect(desk.get_by_role("heading", name=ru("facilitator.title"))).to_be_visible(timeout=30_000)
    desk.get_by_role("link", name=ru("nav.consensus")).click()
    combo = desk.get_by_role("combobox", name=ru("facilitator.session"))
    expect(combo).to_be_visible(timeout=30_000)
    combo.click()
    desk.get_by_role("option", name=re.compile("e2e-dispute")).first.click()
    panel = desk.locator(".st-key-dispute_desk")
    expect(panel).to_contain_text(ru("disputes.none_yet", count=1), timeout=30_000)
    panel.get_by_role("button", name=ru("disputes.send")).click()
    expect(desk.locator(".st-key-dispute_tally_r1")).to_be_visible(timeout=30_000)
    assert store.load_disputes(session.id).is_open

    page, _ = open_sketch(tablet, join_link(base_url, session.id, session.teams[0].token))
    ballot = page.locator(".st-key-dispute_r1")
    expect(ballot).to_be_visible(timeout=30_000)
    expect(ballot.locator("img")).to_be_visible()  # where the area is, outlined
    ballot.get_by_role("button", name=re.compile(LAWN)).tap()
    expect(ballot.get_by_role("button", name=re.compile("✓"))).to_contain_text(LAWN, timeout=40_000)
    assert store.load_disputes(session.id).ballot_of("team-1", "r1") == "lawn"

    tally = desk.locator(".st-key-dispute_tally_r1")
    expect(tally).to_contain_text(ru("disputes.winner", use=LAWN).replace("**", ""), timeout=40_000)
    desk.get_by_role("button", name=ru("disputes.settle")).click()
    expect(desk.get_by_text(ru("disputes.settled"))).to_be_visible(timeout=30_000)
    vision = store.load_latest(session.id, VISION_OWNER)
    decided = [f for f in vision.features if f.label == "r1"]
    assert [f.category for f in decided] == ["lawn"]
    assert site.frame.to_metric(decided[0].geometry).area == pytest.approx(600, abs=1)
    assert store.load_disputes(session.id).status == "closed"
    expect(page.locator(".st-key-dispute_ballot")).to_have_count(0, timeout=40_000)  # the tablet's ballot closes
    desk_context.close()
