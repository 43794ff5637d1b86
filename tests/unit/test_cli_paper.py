"""``python -m codesign paper sheet|scan``, and a paper concept in the report."""

from __future__ import annotations

import functools
import io
import json

import pytest
from pypdf import PdfReader

from codesign.cli import main
from codesign.domain.paper import from_paper
from codesign.domain.site import load_site
from codesign.i18n import translate
from codesign.services.paper import session_sheets
from codesign.storage.files import FileStore
from tests.support.paper_photos import PhotoSettings, aksu_drawing, draw_on_page, photograph, render_page

PX_PER_MM = 8.0


@pytest.fixture
def sessions(tmp_path, monkeypatch):
    root = tmp_path / "sessions"
    monkeypatch.setenv("CODESIGN_SESSIONS_DIR", str(root))
    monkeypatch.setenv("CODESIGN_FACILITATOR_SECRET", "cli-secret-0123456789")
    store = FileStore(root)
    session = store.create_session(site="aksu-city-square", title="Форум", teams=[("Орлы", None), ("Соколы", None)])
    return store, session


@functools.cache
def _drawn_page(pdf: bytes):
    site = load_site("aksu-city-square")
    page, _ = draw_on_page(render_page(pdf, PX_PER_MM), PX_PER_MM, site, "a4", aksu_drawing(site))
    return page


def _photo(store, session_id, tmp_path, team="team-2") -> str:
    pdf = session_sheets(store, session_id, "kk", teams=[team], dpi=150)
    path = tmp_path / "IMG_0412.jpg"
    path.write_bytes(photograph(_drawn_page(pdf), PhotoSettings(size=(3000, 2250))))
    return str(path)


def test_paper_sheet_writes_a_page_per_team(sessions, tmp_path, capsys):
    _, session = sessions
    out = tmp_path / "sheets.pdf"
    assert main(["--lang", "kk", "paper", "sheet", session.id, "--paper", "a3", "--out", str(out)]) == 0
    reader = PdfReader(io.BytesIO(out.read_bytes()))
    assert len(reader.pages) == 2
    assert float(reader.pages[0].mediabox.width) / 72 * 25.4 == pytest.approx(420, abs=0.5)
    assert translate("paper.sheet.how", "kk") in reader.pages[1].extract_text()
    assert "Sheets written to" in capsys.readouterr().out


def test_paper_sheet_for_one_team_in_its_own_language(sessions, tmp_path):
    _, session = sessions
    out = tmp_path / "one.pdf"
    assert main(["paper", "sheet", session.id, "--team", "team-2", "--lang", "en", "--out", str(out)]) == 0
    reader = PdfReader(io.BytesIO(out.read_bytes()))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "Соколы" in text
    assert "How to draw" in text


def test_paper_sheet_refuses_an_unknown_team(sessions, tmp_path, capsys):
    _, session = sessions
    assert main(["paper", "sheet", session.id, "--team", "team-9", "--out", str(tmp_path / "x.pdf")]) == 2
    assert "team-9" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()


def test_paper_scan_without_a_mapping_only_says_what_it_found(sessions, tmp_path, capsys):
    store, session = sessions
    photo = _photo(store, session.id, tmp_path)
    assert main(["paper", "scan", session.id, photo]) == 0
    out = capsys.readouterr().out
    assert "of team team-2 (A4), 4 of 4 markers" in out
    assert "purple" in out
    assert "Nothing saved" in out
    assert store.load_latest(session.id, "team-2") is None


def test_paper_scan_with_a_mapping_saves_the_teams_next_version(sessions, tmp_path, capsys):
    store, session = sessions
    photo = _photo(store, session.id, tmp_path)
    args = ["paper", "scan", session.id, photo, "--map", "green=lawn", "--map", "purple=bench", "--map", "red="]
    assert main([*args, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["team"] == "team-2"
    assert report["saved_version"] == 1
    assert report["features"] == 5  # the green lawn and four benches; red left out, orange and blue not mapped
    assert sorted(m["kind"] for m in report["marks"]) == ["area"] * 5 + ["dot"] * 4
    assert {m["colour"] for m in report["unmapped"]} == {"red", "blue", "orange"}
    saved = store.load_latest(session.id, "team-2")
    assert from_paper(saved)
    assert sorted(f.category for f in saved.features) == ["bench"] * 4 + ["lawn"]
    assert saved.source["photo"] == "IMG_0412.jpg"


def test_paper_scan_dry_run_saves_nothing(sessions, tmp_path, capsys):
    store, session = sessions
    photo = _photo(store, session.id, tmp_path)
    assert main(["paper", "scan", session.id, photo, "--map", "green=lawn", "--dry-run"]) == 0
    assert "Dry run: 1 features would be saved." in capsys.readouterr().out
    assert store.load_latest(session.id, "team-2") is None


@pytest.mark.parametrize(
    ("option", "key"), [("black=lawn", "paper.bad_map"), ("green", "paper.bad_map"), ("green=volcano", None)]
)
def test_paper_scan_refuses_a_wrong_mapping_before_reading_the_photo(sessions, tmp_path, capsys, option, key):
    _, session = sessions
    assert main(["paper", "scan", session.id, str(tmp_path / "missing.jpg"), "--map", option]) == 2
    err = capsys.readouterr().err
    if key:
        assert translate(key, "en", option=option) in err
    else:
        assert "volcano" in err


def test_paper_scan_of_another_sessions_sheet_exits_2_with_the_reason(sessions, tmp_path, capsys):
    store, session = sessions
    other = store.create_session(site="aksu-city-square", title="Другой", teams=[("X", None)])
    photo = _photo(store, other.id, tmp_path, team="team-1")
    assert main(["--lang", "ru", "paper", "scan", session.id, photo, "--map", "green=lawn"]) == 2
    assert translate("paper.other_session", "ru", session=other.id) in capsys.readouterr().err


def test_the_report_marks_a_concept_from_paper(sessions, tmp_path):
    from codesign.report import build_report
    from codesign.services.analysis import load_analysis

    store, session = sessions
    photo = _photo(store, session.id, tmp_path)
    assert main(["paper", "scan", session.id, photo, "--map", "green=lawn", "--map", "purple=bench"]) == 0
    sheet = store.load_latest(session.id, "team-2").source["sheet"]
    pdf = build_report(load_analysis(store, session.id), "en", "a4")
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)
    assert f"from paper, sheet {sheet}" in text
