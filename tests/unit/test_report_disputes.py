"""The report's dispute section: the tally per contested area and the decision, in ru, kk and en."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import shapely

from codesign.domain.concept import Concept, ConceptFeature
from codesign.domain.site import load_site
from codesign.domain.taxonomy import category
from codesign.i18n import LANGUAGES, translate
from codesign.report import build_report
from codesign.services.analysis import load_analysis
from codesign.services.disputes import cast_dispute_ballot, send_disputes_to_vote, settle_disputes
from codesign.services.gate import WriteGate, Writer
from codesign.storage.files import FileStore
from tests.unit.test_report import page_texts

SITE = load_site("aksu-city-square")


def rectangle(use: str, team: str) -> Concept:
    """30 x 20 m at the site's centre: one contested area of 600 m² between two teams' uses."""
    c = SITE.frame.boundary.centroid
    geometry = SITE.frame.to_lonlat(shapely.box(c.x - 15, c.y - 10, c.x + 15, c.y + 10))
    return Concept(SITE.id, team, features=(ConceptFeature("f1", use, geometry),))


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    store = FileStore(tmp_path_factory.mktemp("sessions"))
    s = store.create_session(site=SITE.id, title="Спор", teams=[("Орлы", None), ("Соколы", None), ("Ласточки", None)])
    store.save_concept(s.id, "team-1", rectangle("playground", "team-1"), 0)
    store.save_concept(s.id, "team-2", rectangle("lawn", "team-2"), 0)
    analysis = load_analysis(store, s.id)
    send_disputes_to_vote(store, s.id, analysis.consensus, now=datetime(2026, 12, 3, 10, tzinfo=UTC))
    for team, use in (("team-1", "lawn"), ("team-2", "lawn"), ("team-3", "playground")):
        cast_dispute_ballot(WriteGate(store, s.id, Writer.team(team, s.team(team).token)), "r1", use)
    settle_disputes(WriteGate(store, s.id, Writer.facilitator()), analysis.consensus, site=SITE.id, title="Видение")
    analysis = load_analysis(store, s.id)
    return analysis, {lang: " ".join(page_texts(build_report(analysis, lang))) for lang in LANGUAGES}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_report_gives_the_tally_per_area_and_the_decision(reports, lang):
    analysis, texts = reports
    text = texts[lang]
    assert analysis.disputes is not None
    assert analysis.disputes.applied_version == 1
    assert translate("disputes.title", lang) in text
    assert translate("report.disputes.decision_col", lang) in text
    lawn, playground = category("lawn").label(lang), category("playground").label(lang)
    assert f"{lawn}: 2" in text
    assert f"{playground}: 1" in text
    assert "r1 600 " in text  # the area's id and its m²
    assert translate("disputes.applied", lang, version=1) in text


def test_no_section_without_a_dispute_vote(tmp_path):
    store = FileStore(tmp_path)
    s = store.create_session(site=SITE.id, title="Мир", teams=[("Орлы", None)])
    store.save_concept(s.id, "team-1", rectangle("lawn", "team-1"), 0)
    text = " ".join(page_texts(build_report(load_analysis(store, s.id), "en")))
    assert translate("disputes.title", "en") not in text
