"""The report's text as printed: headings wrap between words, never inside one; characters the
font cannot draw (emoji in a team's name) become a visible placeholder, never a silent gap."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from codesign.i18n import LANGUAGES, catalogue, translate
from codesign.render.glyphs import has_glyph, printable
from codesign.report import build_report
from codesign.report.pdf import ReportPdf
from codesign.services.analysis import load_analysis
from codesign.storage.files import FileStore
from tests.unit.test_report import demo_concept

EMOJI_TEAM = "Жасыл 🌳 команда 👨‍👩‍👧"


def plain(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\xa0", " ").replace("\u202f", " "))


def pdf_text(pdf: bytes) -> str:
    return plain(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))


def broken_words(text: str, words: set[str]) -> list[str]:
    """Each of ``words`` found cut across lines (``Ауыстырылд ы``, ``Ауыс- тыры лды``)."""
    tokens = text.split(" ")
    found = []
    for i in range(len(tokens)):
        joined = tokens[i].removesuffix("-")
        for j in range(i + 1, min(i + 8, len(tokens))):
            joined += tokens[j].removesuffix("-")
            if joined in words:
                found.append(" ".join(tokens[i : j + 1]))
    return found


def heading_words(lang: str) -> set[str]:
    return {
        w
        for key, text in catalogue(lang).items()
        if key.startswith("report.col.")
        for w in re.findall(r"\w+", text)
        if len(w) >= 5
    }


def test_a_long_heading_in_a_narrow_column_is_never_cut_inside_a_word():
    pdf = ReportPdf("a4", "kk", "", illustrative=False)
    pdf.page()
    header = ["Санат", "Сақталды", "Ауыстырылды", "Алынды"]
    pdf.table(header, [["Ойын алаңы", "1", "2", "3"]], [3, 1, 1, 1], width=70)  # 11.7 mm a number column
    text = pdf_text(pdf.output())
    assert "Санат Сақталды Ауыстырылды Алынды" in text
    assert broken_words(text, set(header)) == []


def test_the_same_table_without_the_fit_would_cut_words():
    """The check above can fail: fpdf2 on its own cuts these headings inside words."""
    from fpdf import FPDF

    from codesign.render.styles import FONT_BOLD, FONT_REGULAR

    doc = FPDF(orientation="L", unit="mm", format="A4")
    doc.add_font("DejaVu", "", str(FONT_REGULAR))
    doc.add_font("DejaVu", "B", str(FONT_BOLD))
    doc.set_font("DejaVu", "", 8)
    doc.add_page()
    with doc.table(col_widths=(3, 1, 1, 1), width=70, markdown=False) as table:
        for row in (["Санат", "Сақталды", "Ауыстырылды", "Алынды"], ["a", "1", "2", "3"]):
            cells = table.row()
            for cell in row:
                cells.cell(cell)
    assert broken_words(pdf_text(bytes(doc.output())), {"Ауыстырылды"}) != []


@pytest.fixture(scope="module")
def emoji_session(tmp_path_factory):
    store = FileStore(tmp_path_factory.mktemp("sessions"))
    session = store.create_session(site="aksu-city-square", title="Форум 🌳", teams=[(EMOJI_TEAM, None), ("Екі", None)])
    for team, source in zip(session.teams, ("team-1", "team-2"), strict=True):
        store.save_concept(session.id, team.id, demo_concept(source), 0)
    store.save_concept(session.id, "plan", demo_concept("plan"), 0)
    return load_analysis(store, session.id)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_emoji_in_a_team_name_are_shown_as_a_placeholder_and_headings_stay_whole(emoji_session, lang, recwarn, caplog):
    text = pdf_text(build_report(emoji_session, lang))
    assert "missing the following glyphs" not in caplog.text  # fpdf2 drew every glyph
    assert not [w for w in recwarn if "missing" in str(w.message).lower()]  # and matplotlib
    mark = translate("report.missing_glyph", lang)
    assert plain(f"Жасыл {mark} команда {mark}") in text  # the tree and the family (one ZWJ sequence)
    assert f"Форум {mark}" in text
    assert broken_words(text, heading_words(lang)) == []


def test_printable_keeps_every_drawable_character_and_marks_each_sequence():
    assert printable("Әсем Ғалым Қыз Ңң Өрен Ұлы Үміт Һ Іле", "[x]") == "Әсем Ғалым Қыз Ңң Өрен Ұлы Үміт Һ Іле"
    assert printable("a🌳🌳b", "[x]") == "a[x][x]b"  # two trees: two marks
    assert printable("👍🏽 ok", "[x]") == "[x] ok"  # a skin tone belongs to its hand
    assert printable("🇰🇿🇷🇺", "[x]") == "[x][x]"  # two flags
    assert not has_glyph("🌳")
    assert has_glyph("Қ")
    assert has_glyph("№")
