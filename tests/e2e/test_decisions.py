"""In a real browser: the facilitator records the room's reason on the comparison page, and the report
(ru, kk, en) has the cost section and that reason, and the CSV tables have it too."""

from __future__ import annotations

import re
import zipfile

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from codesign.domain.reasons import difference_key
from codesign.i18n import LANGUAGES, translate
from codesign.render.text import format_money
from codesign.services.analysis import load_analysis
from tests.e2e.test_desk import desk, go  # noqa: F401  (the fixture)
from tests.support.decisions import decision_session

pytestmark = pytest.mark.e2e
WORDS = "Детям негде играть, нужна тень"


def plain(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\xa0", " ").replace("\u202f", " "))


def test_a_reason_recorded_on_the_comparison_page_reaches_the_report_and_the_csv(server, desk):  # noqa: F811
    _, store = server
    session = decision_session(store, title="e2e-решение")
    sentences = load_analysis(store, session.id).comparisons["team-1"].sentences()
    keys = [key for n in sentences if (key := difference_key(n)) is not None]
    number = next(i for i, key in enumerate(keys, start=1) if key.endswith(":playground"))

    go(desk, "Сравнение", "e2e-решение")
    expect(desk.locator(".st-key-compare_cost")).to_contain_text("+", timeout=30_000)
    card = desk.locator(f".st-key-reason_{number}")
    card.scroll_into_view_if_needed()
    card.get_by_role("button", name="дети").click()
    card.get_by_role("button", name="тень").click()
    card.get_by_label("Слова жителей (необязательно)").fill(WORDS)
    card.get_by_role("button", name="Записать причину").click()
    expect(desk.get_by_text("Причина записана.")).to_be_visible(timeout=20_000)
    reasons = store.load_reasons(session.id)
    assert [(r.owner, r.choices, r.text) for r in reasons] == [("team-1", ("shade", "children"), WORDS)]

    go(desk, "Отчёт", "e2e-решение")
    for lang in LANGUAGES:
        downloads = desk.locator(".st-key-report_downloads")
        choice = desk.locator(".st-key-report_lang").get_by_role("radio", name=LANGUAGE_NAMES[lang])
        if lang != "ru":  # Russian is chosen already (a second tap would unchoose it)
            choice.click()
        expect(choice).to_be_checked()
        expect(downloads).to_have_count(0, timeout=20_000)  # the files of the language before are gone
        desk.get_by_role("button", name="Собрать отчёт и файлы").click()
        expect(downloads).to_be_visible(timeout=120_000)
        with desk.expect_download() as pdf_download:
            downloads.get_by_role("button", name=re.compile("PDF")).click()
        assert pdf_download.value.suggested_filename.endswith(f"-{lang}-a4.pdf")
        reader = PdfReader(pdf_download.value.path())
        text = plain(" ".join(page.extract_text() for page in reader.pages))
        assert plain(translate("cost.title", lang)) in text, lang
        costs = load_analysis(store, session.id).costs()
        assert plain(format_money(costs["team-1"].total, "KZT", lang)) in text, lang
        assert plain(translate("reasons.title", lang)) in text, lang
        assert plain(WORDS) in text, lang
        assert plain(translate("reason.shade", lang)) in text, lang
    with desk.expect_download() as csv_download:
        downloads.get_by_role("button", name=re.compile("CSV")).click()
    with zipfile.ZipFile(csv_download.value.path()) as archive:
        table = archive.read("reasons.csv").decode("utf-8-sig")
        asks = archive.read("residents_ask.csv").decode("utf-8-sig")
    assert WORDS in table
    assert f"Орлы: {WORDS}" in asks


LANGUAGE_NAMES = {"ru": "Русский", "kk": "Қазақша", "en": "English"}
