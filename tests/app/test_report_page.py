"""The report page under AppTest: main figures in each language, and the build gives five downloads."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app_pages.common import md
from codesign.i18n import LANGUAGES, translate
from codesign.services.demo import ensure_demo_session
from codesign.storage.files import FileStore

PAGE = Path(__file__).resolve().parents[2] / "app_pages" / "report.py"


@pytest.fixture
def demo(tmp_path, monkeypatch):
    monkeypatch.setenv("CODESIGN_SESSIONS_DIR", str(tmp_path))
    return ensure_demo_session(FileStore(tmp_path))


def open_page(session_id: str, lang: str) -> AppTest:
    at = AppTest.from_file(str(PAGE), default_timeout=60)
    at.session_state["lang"] = lang
    at.session_state["facilitator"] = True
    at.session_state["current_session"] = session_id
    return at.run()


def downloads(at: AppTest) -> list:
    return at.get("download_button")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_page_shows_the_main_figures_in_each_language(demo, lang):
    at = open_page(demo.id, lang)
    assert not at.exception
    assert at.title[0].value == translate("report.title", lang)
    assert [m.label for m in at.metric] == [
        translate(key, lang)
        for key in ("consensus.agreed", "consensus.contested", "consensus.single", "consensus.fleiss")
    ]
    table = at.table[0].value
    assert list(table.iloc[:, 0]) == ["Жасыл аула", "Семьи Аксу"]
    assert at.button(key="report_build").label == translate("report.build", lang)
    assert downloads(at) == []


def test_building_gives_the_pdf_and_the_four_files(demo):
    at = open_page(demo.id, "kk")
    at.button(key="report_build").click().run()
    assert not at.exception
    assert not at.error
    assert len(downloads(at)) == 5
    assert at.success[0].value.startswith(translate("report.built", "kk", seconds="X", size="Y").split("X")[0])


def test_a_facilitator_only_page(demo):
    at = AppTest.from_file(str(PAGE), default_timeout=60)
    at.session_state["current_session"] = demo.id
    at.run()
    assert at.error[0].value == translate("error.access_denied", "ru")
    assert at.button == []


def test_a_session_without_concepts_says_so(tmp_path, monkeypatch):
    monkeypatch.setenv("CODESIGN_SESSIONS_DIR", str(tmp_path))
    session = FileStore(tmp_path).create_session(site="aksu-city-square", title="Пусто", teams=[("Орлы", None)])
    at = open_page(session.id, "en")
    assert not at.exception
    assert at.info[0].value == translate("cli.no_concepts", "en", session_id=md(session.id))  # shown as typed
