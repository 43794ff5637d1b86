"""Norm checks on the pages: the tablet's badges and red outline, the comparison, the consensus, the facilitator."""

from __future__ import annotations

import pytest
from shapely.geometry import box

from codesign.domain.concept import Concept, ConceptFeature
from codesign.domain.rules import StoredPack
from codesign.domain.session import PLAN_OWNER, VISION_OWNER
from codesign.domain.site import load_site
from codesign.i18n import LANGUAGES, translate
from codesign.render.norms import FAIL_COLOUR
from tests.app.test_pages import find_map, run_page

SITE = load_site("aksu-city-square")


def parking_by_playground(team: str, gap_m: float = 10.0) -> Concept:
    """A 30 x 20 m playground at the site's centre and a parking ``gap_m`` west of it."""
    frame = SITE.frame
    c = frame.to_metric(SITE.boundary.centroid)
    playground = box(c.x, c.y, c.x + 30, c.y + 20)
    parking = box(c.x - gap_m - 20, c.y, c.x - gap_m, c.y + 20)
    return Concept(
        SITE.id,
        team,
        features=(
            ConceptFeature("f1", "playground", frame.to_lonlat(playground)),
            ConceptFeature("f2", "parking", frame.to_lonlat(parking)),
        ),
    )


def badge(at, rule_id: str):
    return next(b for b in at.button if b.key and b.key.startswith("norm-") and b.key.endswith(f"-{rule_id}"))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_tablet_shows_a_failing_badge_and_outlines_it_when_tapped(workshop, lang):
    store, session = workshop
    team = session.teams[0]
    store.save_concept(session.id, team.id, parking_by_playground(team.id), base_version=0)
    at = run_page("sketch.py", lang, params={"s": session.id, "t": team.token})
    assert not at.exception
    failing = badge(at, "parking-playground")
    assert failing.label.startswith("❌")
    assert badge(at, "playground-windows").label.startswith("✅")
    assert FAIL_COLOUR not in str(find_map(at))  # nothing outlined before a tap
    failing.click().run()
    assert not at.exception
    words = at.error[0].value.replace("\\", "")
    assert (
        translate(
            "norms.outcome.fail",
            lang,
            measured="10 " + translate("unit.m", lang),
            required="25 " + translate("unit.m", lang),
        )
        in words
    )
    assert FAIL_COLOUR in str(find_map(at))
    badge(at, "parking-playground").click().run()  # a second tap hides it again
    assert FAIL_COLOUR not in str(find_map(at))


def test_the_badge_turns_green_when_the_parking_moves_away(workshop):
    store, session = workshop
    team = session.teams[0]
    store.save_concept(session.id, team.id, parking_by_playground(team.id, gap_m=30), base_version=0)
    at = run_page("sketch.py", "en", params={"s": session.id, "t": team.token})
    assert badge(at, "parking-playground").label.startswith("✅")
    assert badge(at, "dog-play").label.startswith("➖")


def test_the_comparison_page_sets_the_concepts_checks_beside_the_plans(workshop):
    store, session = workshop
    store.save_concept(session.id, "team-1", parking_by_playground("team-1"), base_version=0)
    store.save_concept(session.id, PLAN_OWNER, parking_by_playground(PLAN_OWNER, gap_m=40), base_version=0)
    at = run_page("compare.py", "en", state={"facilitator": True, "current_session": session.id})
    assert not at.exception
    table = at.table[0].value
    assert "Орлы" in table.columns
    assert "Akimat plan" in table.columns
    row = table[table["Rule"] == "Parking at least 25 m from playgrounds"].iloc[0]
    assert row["Орлы"].startswith("❌ 10")
    assert row["Akimat plan"].startswith("✅ 40")


def test_the_consensus_page_shows_the_visions_checks(workshop):
    store, session = workshop
    store.save_concept(session.id, "team-1", parking_by_playground("team-1"), base_version=0)
    store.save_concept(session.id, "team-2", parking_by_playground("team-2", gap_m=20), base_version=0)
    store.save_concept(session.id, VISION_OWNER, parking_by_playground(VISION_OWNER, gap_m=40), base_version=0)
    at = run_page("consensus.py", "kk", state={"facilitator": True, "current_session": session.id})
    assert not at.exception
    tables = [t.value for t in at.table if "Ереже" in t.value.columns]
    assert len(tables) == 1
    assert tables[0]["Нәтиже"].str.startswith("✅").sum() >= 2


def test_the_facilitator_sees_the_pack_in_use_and_an_uploaded_one(workshop):
    store, session = workshop
    at = run_page("facilitator.py", "ru", state={"facilitator": True, "current_session": session.id})
    assert not at.exception
    captions = " ".join(c.value for c in at.caption)
    assert "иллюстративный набор норм" in captions
    assert translate("norms.pack_site", "ru") in captions
    text = (SITE.folder.parent.parent / "rules" / "aksu-illustrative.toml").read_text(encoding="utf-8")
    store.save_rules(session.id, StoredPack("город.toml", text.replace('id = "aksu-illustrative"', 'id = "city"')))
    at = run_page("facilitator.py", "ru", state={"facilitator": True, "current_session": session.id})
    captions = " ".join(c.value for c in at.caption).replace("\\", "")  # user text is escaped for markdown
    assert translate("norms.pack_uploaded", "ru", name="город.toml") in captions


def test_a_hostile_rule_title_from_an_uploaded_pack_is_shown_as_text(workshop):
    store, session = workshop
    team = session.teams[0]
    hostile = "<img src=x onerror=alert(1)>**b**[x](javascript:a())"
    pack = f"""[pack]
id = "hostile"
title = {{ ru = "{hostile}", kk = "{hostile}", en = "{hostile}" }}

[[rule]]
id = "parking-playground"
kind = "min_distance"
from = ["parking"]
to = ["playground"]
value_m = 25
source = "{hostile}"
title = {{ ru = "{hostile}", kk = "{hostile}", en = "{hostile}" }}
"""
    store.save_rules(session.id, StoredPack("h.toml", pack))
    store.save_concept(session.id, team.id, parking_by_playground(team.id), base_version=0)
    at = run_page("sketch.py", "en", params={"s": session.id, "t": team.token})
    assert not at.exception
    label = badge(at, "parking-playground").label
    assert "\\<img" in label
    assert "\\*\\*b\\*\\*" in label  # markdown made inert
    badge(at, "parking-playground").click().run()
    assert "\\[x\\]\\(javascript" in at.error[0].value
