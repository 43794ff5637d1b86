"""The report's design-norms section in ru, kk and en: a table per concept, the plan and the vision."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from codesign.domain.session import PLAN_OWNER, VISION_OWNER
from codesign.i18n import LANGUAGES, translate
from codesign.render.norms import format_rule_value, status_text
from codesign.report import build_report
from codesign.services.analysis import load_analysis
from codesign.services.demo import ensure_demo_session
from codesign.storage.files import FileStore


def plain(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\xa0", " ").replace("\u202f", " "))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The demo session with a joint vision (the plan reused), and its report in each language."""
    store = FileStore(tmp_path_factory.mktemp("sessions"))
    demo = ensure_demo_session(store)
    store.save_concept(demo.id, VISION_OWNER, store.load_latest(demo.id, PLAN_OWNER), 0)
    analysis = load_analysis(store, demo.id)
    return analysis, {lang: build_report(analysis, lang) for lang in LANGUAGES}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_norms_section_has_a_table_for_each_concept_the_plan_and_the_vision(built, lang):
    analysis, pdfs = built
    pages = [plain(p.extract_text()) for p in PdfReader(io.BytesIO(pdfs[lang])).pages]
    heading = plain(translate("report.norms.heading", lang))
    start = next(i for i, page in enumerate(pages) if f" {heading} " in page)
    methods = plain(translate("report.methods.heading", lang))
    end = next(i for i in range(start + 1, len(pages)) if methods in pages[i])
    section = " ".join(pages[start:end])
    assert plain(translate("report.norms.illustrative_title", lang)) in section  # the Aksu pack says so
    assert set(analysis.norms) == {"team-1", "team-2", PLAN_OWNER, VISION_OWNER}
    for owner, concept in analysis.concepts():
        from codesign.analysis.session import owner_name

        title = plain(
            translate("report.norms.of", lang, name=owner_name(analysis.session, owner, lang), version=concept.version)
        )
        assert title in section, owner
    report = analysis.norms["team-2"]
    for result in report.results:
        assert plain(result.rule.label(lang))[:30] in section
        assert plain(format_rule_value(result.required, result.unit, lang)) in section
        assert plain(format_rule_value(result.measured, result.unit, lang)) in section
    for status in ("pass", "fail", "n/a"):
        assert plain(status_text(status, lang)) in section
    assert plain(translate("norms.illustrative_short", lang)) in section


def test_without_a_rule_pack_there_is_no_norms_section(built):
    from dataclasses import replace

    analysis, _ = built
    pdf = build_report(replace(analysis, rules=None, norms={}), "en")
    text = " ".join(plain(p.extract_text()) for p in PdfReader(io.BytesIO(pdf)).pages)
    assert translate("report.norms.heading", "en") not in text
