"""The report's cost section, the room's reasons after "what residents ask for", and the provenance appendix.

The session is :func:`tests.support.decisions.decision_session`, its costs worked out by hand there.
"""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from codesign.domain.reasons import choice_labels
from codesign.i18n import LANGUAGES, translate
from codesign.render.text import format_money, format_percent, format_signed_money
from codesign.report import build_report
from codesign.services.analysis import load_analysis
from codesign.storage.files import FileStore
from tests.support.decisions import BUDGET, decision_session
from tests.unit.test_decision_files import record_playground_reason


def plain(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\xa0", " ").replace("\u202f", " "))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    store = FileStore(tmp_path_factory.mktemp("sessions"))
    session = decision_session(store)
    record_playground_reason(store, session.id)
    analysis = load_analysis(store, session.id)
    texts = {}
    for lang in LANGUAGES:
        reader = PdfReader(io.BytesIO(build_report(analysis, lang)))
        texts[lang] = [plain(page.extract_text()) for page in reader.pages]
    return analysis, texts


def test_the_costs_are_the_hand_computed_ones(built):
    analysis, _ = built
    costs = analysis.costs()
    assert costs["team-1"].total == pytest.approx(825_050, abs=100)
    assert costs["plan"].total == pytest.approx(50_050, abs=5)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_cost_section_has_the_totals_the_budget_and_the_difference_from_the_plan(built, lang):
    analysis, texts = built
    pages = texts[lang]
    heading = plain(translate("cost.title", lang))
    first = next(i for i, page in enumerate(pages) if page.lstrip().startswith(heading) or f" {heading} " in page)
    asks = next(i for i, page in enumerate(pages) if plain(translate("report.asks.heading", lang)) in page)
    assert first > asks
    section = " ".join(pages[first : first + 2])
    costs = analysis.costs()
    team_1, plan = costs["team-1"], costs["plan"]
    assert plain(format_money(team_1.total, "KZT", lang)) in section
    assert plain(format_money(plan.total, "KZT", lang)) in section
    assert plain(format_money(BUDGET, "KZT", lang)) in section
    assert plain(format_percent(team_1.total / BUDGET, lang, 0)) in section  # 82 %
    left = plain(translate("cost.state.under", lang, amount=format_money(BUDGET - team_1.total, "KZT", lang)))
    assert left in section
    playground_diff = team_1.lines["playground"].cost
    assert plain(format_signed_money(playground_diff, "KZT", lang)) in section  # +800 000 less rounding
    assert plain(format_signed_money(team_1.total - plan.total, "KZT", lang)) in section
    assert plain(translate("cost.col.unpriced", lang)) in section


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_reasons_follow_what_residents_ask_for_and_the_appendix_says_where_the_vision_came_from(built, lang):
    _, texts = built
    text = " ".join(texts[lang])
    asks = text.find(plain(translate("report.asks.heading", lang)))
    reasons = text.find(plain(translate("reasons.title", lang)), asks)
    agreements = text.find(plain(translate("report.agreements.heading", lang)), asks)
    assert 0 <= asks < reasons < agreements
    assert "Детям негде играть" in text[reasons:agreements]
    assert plain(choice_labels(("safety", "children"), lang)) in text[reasons:agreements]
    appendix = text.find(plain(translate("report.provenance.heading", lang)))
    assert appendix > text.find(plain(translate("report.methods.heading", lang)))
    tail = text[appendix:]
    assert "Орлы, Соколы" in tail
    assert plain(translate("report.k_of_n", lang, k=2, n=3)) in tail
    assert plain(translate("provenance.consensus", lang)) in tail


def test_the_default_price_list_is_said_to_be_illustrative_in_the_cost_section(tmp_path):
    store = FileStore(tmp_path)
    session = decision_session(store, vision=False, costing=False)
    analysis = load_analysis(store, session.id)
    assert analysis.costing.prices.illustrative
    assert analysis.costing.budget is None
    pages = [plain(p.extract_text()) for p in PdfReader(io.BytesIO(build_report(analysis, "kk"))).pages]
    section = next(p for p in pages if plain(translate("report.cost.intro", "kk", name="x")).split("«")[0] in p)
    assert plain(translate("cost.illustrative", "kk")) in section
    assert plain(translate("cost.no_budget", "kk")) in section
    assert plain(translate("report.provenance.heading", "kk")) not in " ".join(pages)  # no vision, no appendix
