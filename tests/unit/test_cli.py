"""python -m codesign: sessions from a terminal, clear errors with a non-zero exit."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from codesign.cli import main
from codesign.storage.files import FileStore

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def sessions(tmp_path, monkeypatch):
    monkeypatch.setenv("CODESIGN_SESSIONS_DIR", str(tmp_path))
    monkeypatch.setenv("CODESIGN_FACILITATOR_SECRET", "cli-secret-0123456789")
    monkeypatch.delenv("CODESIGN_BASE_URL", raising=False)
    return tmp_path


def test_session_new_prints_the_facilitator_link_and_one_line_per_team(sessions, capsys):
    code = main(
        [
            "session",
            "new",
            "--site",
            "aksu-city-square",
            "--title",
            "Форум",
            "--teams",
            "Жасыл аула, Семьи Аксу",
            "--base-url",
            "http://10.1.1.5:8501",
            "--date",
            "2026-12-01",
        ]
    )
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    [session] = FileStore(sessions).list_sessions()
    assert session.date == "2026-12-01"
    assert out[1] == "Facilitator: http://10.1.1.5:8501/?key=cli-secret-0123456789"
    assert out[2] == f"team-1\tЖасыл аула\thttp://10.1.1.5:8501/sketch?s={session.id}&t={session.teams[0].token}"
    assert out[3].startswith("team-2\tСемьи Аксу\thttp://10.1.1.5:8501/sketch?")


def test_session_list_and_show(sessions, capsys):
    main(["session", "new", "--site", "aksu-city-square", "--title", "Один", "--teams", "A,B"])
    [session] = FileStore(sessions).list_sessions()
    capsys.readouterr()
    assert main(["session", "list"]) == 0
    assert capsys.readouterr().out.startswith(f"{session.id}\t")
    assert main(["session", "show", session.id]) == 0
    out = capsys.readouterr().out
    assert "http://localhost:8501/sketch?s=" in out
    assert "team-2\tnothing saved" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["session", "new", "--site", "no-such-park", "--title", "x", "--teams", "A"],
            "Site “no-such-park” was not found",
        ),
        (
            ["session", "new", "--site", "../../etc", "--title", "x", "--teams", "A"],
            "The site id '../../etc' is not valid",
        ),
        (["session", "new", "--site", "aksu-city-square", "--title", "x", "--teams", " , "], "at least one team"),
        (["session", "show", "missing-session"], "Session “missing-session” was not found."),
    ],
)
def test_refusals_exit_non_zero_with_the_reason(sessions, capsys, argv, message):
    assert main(argv) == 2
    assert message in capsys.readouterr().err
    assert FileStore(sessions).list_sessions() == []


def test_refusal_in_russian(sessions, capsys):
    assert main(["--lang", "ru", "session", "show", "missing-session"]) == 2
    assert "Сессия «missing-session» не найдена." in capsys.readouterr().err


def test_demo_session_is_created_once_with_plan_and_two_concepts(sessions, capsys):
    assert main(["demo"]) == 0
    assert main(["demo"]) == 0
    store = FileStore(sessions)
    [session] = store.list_sessions()
    assert session.id == "aksu-demo"
    assert session.illustrative
    for owner in ("team-1", "team-2", "plan"):
        concept = store.load_latest(session.id, owner)
        assert concept.version == 1
        assert concept.illustrative
        assert len(concept.features) > 20


def test_module_entry_point_runs(sessions):
    result = subprocess.run(
        [sys.executable, "-m", "codesign", "session", "list"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
