"""Prices and budget on the facilitator's page, the tablet's running cost and budget bar, the comparison
page's costs and the room's reasons, under AppTest; the session is tests/support/decisions.py's."""

from __future__ import annotations

import re

import pytest

from codesign.analysis.compare import category_label
from codesign.domain.prices import DEFAULT_PRICE_LIST
from codesign.domain.taxonomy import categories
from codesign.i18n import LANGUAGES, translate
from codesign.render.text import format_money, format_signed_money
from codesign.storage.files import FileStore
from tests.app.test_pages import run_page
from tests.support.decisions import BUDGET, decision_session


@pytest.fixture
def decided(tmp_path, monkeypatch):
    root = tmp_path / "sessions"
    monkeypatch.setenv("CODESIGN_SESSIONS_DIR", str(root))
    store = FileStore(root)
    return store, decision_session(store)


def texts(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [h.proto.body for h in at.html]
    text = "\n".join(str(p) for p in parts).replace("\xa0", " ").replace("\u202f", " ")
    return text.replace("\\", "")  # markdown escapes


def amount(text: str) -> int:
    """The whole number in a formatted amount of money."""
    return int(re.sub(r"\D", "", text))


def plain(text: str) -> str:
    return text.replace("\xa0", " ").replace("\u202f", " ")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_tablet_shows_the_running_cost_and_the_budget_bar(decided, lang):
    store, session = decided
    team = session.teams[0]
    at = run_page("sketch.py", lang, params={"s": session.id, "t": team.token})
    assert not at.exception
    shown = texts(at)
    total = store.load_latest(session.id, team.id)
    from codesign.analysis.cost import concept_cost
    from codesign.domain.site import load_site

    estimate = concept_cost(total, load_site(session.site).frame, store.load_costing(session.id).prices)
    assert estimate.total == pytest.approx(825_050, abs=100)  # by hand: 800 m² x 1,000 + 2,500 m² x 10 + 50
    assert plain(translate("cost.total", lang, amount=format_money(estimate.total, "KZT", lang))) in shown
    bar = next(h.proto.body for h in at.html if "budget-bar" in h.proto.body)
    assert 'data-state="under"' in bar
    assert "width:82%" in bar


def test_the_budget_bar_turns_red_over_the_budget(decided):
    store, session = decided
    store.update_costing(session.id, lambda c: type(c)(c.prices, 500_000.0, c.source))
    at = run_page("sketch.py", "ru", params={"s": session.id, "t": session.teams[0].token})
    bar = next(h.proto.body for h in at.html if "budget-bar" in h.proto.body)
    assert 'data-state="over"' in bar
    assert "width:100%" in bar
    assert re.search(r"Бюджет превышен на 32[45] \d{3} ₸", plain(bar))  # 825,050 - 500,000, less rounding


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_comparison_shows_the_cost_by_category_and_the_difference(decided, lang):
    _, session = decided
    at = run_page("compare.py", lang, state={"facilitator": True, "current_session": session.id})
    assert not at.exception
    metrics = {m.label: plain(m.value) for m in at.metric}
    difference = metrics[translate("cost.col.difference", lang)]
    assert difference.startswith("+")
    assert amount(difference) == pytest.approx(775_000, abs=100)  # 825,050 - 50,050, less the drawing's rounding
    table = at.dataframe[0].value
    row = table[table.iloc[:, 0] == category_label("playground", lang)].iloc[0]
    assert amount(row.iloc[-1]) == pytest.approx(800_000, abs=100)
    assert plain(row.iloc[2]) == plain(format_signed_money(0, "KZT", lang))  # the plan: none


def test_the_facilitator_records_the_rooms_reason_and_a_reviewer_sees_it(decided):
    store, session = decided
    at = run_page("compare.py", "ru", state={"facilitator": True, "current_session": session.id})
    assert not at.exception
    pills = at.button_group
    assert pills, "no quick choices"
    pills[0].set_value(["children", "safety"])
    at.text_input[0].input("Детям негде играть")
    at.form_submit_button[0].click()
    at.run()
    assert not at.exception
    reasons = store.load_reasons(session.id)
    assert [(r.owner, r.choices, r.text) for r in reasons] == [("team-1", ("safety", "children"), "Детям негде играть")]
    assert at.success[0].value == translate("reasons.saved", "ru")
    review = run_page("compare.py", "ru", state={"reviewer": session.id, "reviewer_token": session.review_token})
    assert not review.exception
    assert "Детям негде играть" in texts(review)
    assert not review.form_submit_button


def test_the_facilitator_sets_the_budget_and_edits_a_price(decided):
    store, session = decided
    at = run_page("facilitator.py", "en", state={"facilitator": True, "current_session": session.id})
    assert not at.exception
    budget = next(n for n in at.number_input if "KZT" in n.label)
    budget.set_value(2_500_000)
    next(b for b in at.form_submit_button if b.label == translate("costing.save_budget", "en")).click()
    at.run()
    assert not at.exception
    assert store.load_costing(session.id).budget == 2_500_000
    lawn = [c.id for c in categories()].index("lawn")
    price = translate("cost.col.unit_price", "en")
    edits = {"edited_rows": {lawn: {price: 20.0}}, "added_rows": [], "deleted_rows": []}
    at.session_state["costing_editor_city"] = edits
    next(b for b in at.form_submit_button if b.label == translate("costing.save_prices", "en")).click()
    at.run()
    assert not at.exception
    edited = store.load_costing(session.id)
    assert (edited.prices.name, edited.source, edited.budget) == ("city-edited", "edited", 2_500_000)
    assert edited.prices.unit_price("lawn") == 20.0
    assert edited.prices.unit_price("playground") == 1000.0  # the others as they were
    next(b for b in at.button if b.label == translate("costing.use", "en")).click()
    at.run()
    costing = store.load_costing(session.id)
    assert (costing.prices.name, costing.budget) == (DEFAULT_PRICE_LIST, 2_500_000)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_uploaded_price_list_is_refused_with_every_line_or_used(decided, lang):
    store, session = decided
    at = run_page("facilitator.py", lang, state={"facilitator": True, "current_session": session.id})
    bad = b'currency = "KZT"\n[zone]\nlawn = -5\n[amenity]\nbenchh = 1\n'
    at.file_uploader[0].upload("city.toml", bad, "application/toml").run()
    use = [b for b in at.button if b.label == translate("costing.use", lang)]
    use[-1].click().run()
    assert not at.exception
    errors = " ".join(e.value for e in at.error).replace("\\", "")
    assert translate("prices.bad_price", lang, line=3, category="lawn", value="-5") in errors
    named = {"category": "benchh", "section": "amenity", "close": "bench"}
    close = translate("prices.unknown_category_close", lang, line=5, **named)
    assert close in errors
    assert store.load_costing(session.id).prices.name == "city"  # unchanged
    good = b'currency = "KZT"\n[zone]\nlawn = 7\n'
    at.file_uploader[0].upload("Город 2027.toml", good, "application/toml").run()
    [b for b in at.button if b.label == translate("costing.use", lang)][-1].click().run()
    assert not at.exception
    costing = store.load_costing(session.id)
    assert (costing.prices.unit_price("lawn"), costing.source, costing.budget) == (7.0, "uploaded", BUDGET)


def test_the_vision_editor_says_where_the_chosen_feature_came_from(decided):
    _, session = decided
    at = run_page("vision.py", "ru", state={"facilitator": True, "current_session": session.id})
    assert not at.exception
    shown = texts(at)
    assert "Из консенсуса · Команды: Орлы, Соколы · Поддержка: 2 из 3" in shown  # the last feature: a bench
    assert "В плане здесь то же назначение" in shown
    bar = next(h.proto.body for h in at.html if "budget-bar" in h.proto.body)  # the vision's cost too
    assert 'data-state="under"' in bar
