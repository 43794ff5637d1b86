"""Who may do what: join codes typed on a tablet, the facilitator's secret and its file."""

from __future__ import annotations

import os
import stat

import pytest

from codesign.domain.access import join_code, team_for_code
from codesign.domain.session import Session, Team
from codesign.errors import AccessDenied, CodesignError
from codesign.i18n import LANGUAGES, translate
from codesign.services.secret import facilitator_secret

#: A token whose join code is made only of letters that have Cyrillic look-alikes (found once, by search).
TOKEN = "token-233"
CODE = "ACK-ECX"


@pytest.fixture
def sessions() -> list[Session]:
    teams = (Team("team-1", "Орлы", "#4477AA", "tok"), Team("team-2", "Соколы", "#EE6677", TOKEN))
    return [Session("s-1", "Форум", "aksu-city-square", "2026-12-01", "", teams)]


def test_the_known_codes():
    assert join_code(TOKEN) == CODE
    assert join_code("tok") == "4YW-MQH"


@pytest.mark.parametrize(
    "typed",
    [
        "ACK-ECX",
        "ack ecx",
        "АСК-ЕСХ",  # all six letters typed on a Russian keyboard (Cyrillic А С К Е С Х)
        "аск есх",  # the same in lower case
        "AСK-EСX",  # mixed: Cyrillic С twice
        "ＡＣＫ－ＥＣＸ",  # full-width letters from a phone keyboard
        "  a c k - e c x  ",
    ],
)
def test_a_code_typed_with_look_alikes_finds_its_team(sessions, typed):
    session, team = team_for_code(sessions, typed)
    assert (session.id, team.id) == ("s-1", "team-2")


def test_look_alikes_mixed_with_letters_that_have_none(sessions):
    assert team_for_code(sessions, "4YW-МQН")[1].id == "team-1"  # Cyrillic М and Н, Latin Y W Q


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "АСК-ЕСЖ",  # one letter wrong (Ж)
        "ACK-EC",  # one letter short
        "ACK-ECXA",  # one letter too many
        "🙂🙂🙂-🙂🙂🙂",
        "АСК-ЕС🙂",
        "Ы" * 10_000,
        "A" * 1_000_000,
        "\x00\x00\x00",
        "ACK\u200bEC",  # a zero-width space is no letter: one letter short
    ],
)
def test_a_wrong_code_is_a_plain_refusal(sessions, typed):
    with pytest.raises(AccessDenied):
        team_for_code(sessions, typed)


# ----------------------------------------------------------------------------- the facilitator's secret


def test_the_secret_file_is_written_whole_and_reused(tmp_path):
    secret, created = facilitator_secret(tmp_path, env={})
    assert created
    assert len(secret) >= 16
    path = tmp_path / ".facilitator_secret"
    assert path.read_text(encoding="utf-8") == secret + "\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert facilitator_secret(tmp_path, env={}) == (secret, False)
    assert [p.name for p in tmp_path.iterdir()] == [".facilitator_secret"]  # no temp file left


@pytest.mark.parametrize(
    "left_behind",
    [
        b"",  # a crash between create and write
        b"\n  \n",
        b"\x00" * 4096,  # a crash that left the file's blocks zeroed
        b"\xff\xfe garbage",  # not UTF-8
        b"short\n",  # not a secret the app would write
        b"two words in it but long enough\n",
    ],
)
def test_an_empty_or_damaged_secret_file_is_replaced(tmp_path, left_behind):
    path = tmp_path / ".facilitator_secret"
    path.write_bytes(left_behind)
    secret, created = facilitator_secret(tmp_path, env={})
    assert created
    assert len(secret) >= 16
    assert path.read_text(encoding="utf-8") == secret + "\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert facilitator_secret(tmp_path, env={}) == (secret, False)


def test_a_crash_while_writing_leaves_no_empty_file(tmp_path, monkeypatch):
    """The file appears only whole: a failure before the rename leaves no file, the next start creates it."""
    import codesign.storage.files

    def crash(fd):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(codesign.storage.files.os, "fsync", crash)
    with pytest.raises(OSError, match="Input/output"):
        facilitator_secret(tmp_path, env={})
    assert list(tmp_path.iterdir()) == []
    monkeypatch.undo()
    secret, created = facilitator_secret(tmp_path, env={})
    assert created
    assert len(secret) >= 16


def test_a_configured_secret_wins(tmp_path):
    strong = "a-long-enough-secret-1234"
    assert facilitator_secret(tmp_path, env={"CODESIGN_FACILITATOR_SECRET": strong}) == (strong, False)
    assert facilitator_secret(tmp_path, env={}, configured=f"  {strong}\n") == (strong, False)
    assert not (tmp_path / ".facilitator_secret").exists()


@pytest.mark.parametrize(
    ("env", "configured", "source"),
    [
        ({"CODESIGN_FACILITATOR_SECRET": "from-env"}, None, "CODESIGN_FACILITATOR_SECRET"),
        ({"CODESIGN_FACILITATOR_SECRET": " 123456789012345 "}, None, "CODESIGN_FACILITATOR_SECRET"),
        ({}, "from-toml", "secrets.toml"),
    ],
)
def test_a_configured_secret_shorter_than_16_is_refused(tmp_path, env, configured, source):
    with pytest.raises(CodesignError) as caught:
        facilitator_secret(tmp_path, env=env, configured=configured)
    err = caught.value
    assert err.key == "error.secret_too_short"
    assert err.params == {
        "source": source,
        "length": len((env.get("CODESIGN_FACILITATOR_SECRET") or configured).strip()),
        "minimum": 16,
    }
    for lang in LANGUAGES:
        text = translate(err.key, lang, **err.params)
        assert source in text
        assert "16" in text
    assert "at least 16 characters" in str(err)
    assert not (tmp_path / ".facilitator_secret").exists()  # no silent fallback to another secret


def test_exactly_16_characters_is_enough(tmp_path):
    assert (
        facilitator_secret(tmp_path, env={"CODESIGN_FACILITATOR_SECRET": "0123456789abcdef"})[0] == "0123456789abcdef"
    )


def test_the_secret_from_secrets_toml(tmp_path):
    from codesign.services.secret import secret_from_toml_files

    home, project = tmp_path / "home", tmp_path / "project"
    for folder in (home, project):
        (folder / ".streamlit").mkdir(parents=True)
    (home / ".streamlit" / "secrets.toml").write_text('facilitator_secret = "from-home-0123456789"\n')
    assert secret_from_toml_files([home / ".streamlit" / "secrets.toml", project / ".streamlit" / "secrets.toml"]) == (
        "from-home-0123456789"
    )
    (project / ".streamlit" / "secrets.toml").write_text('facilitator_secret = "from-project-0123456789"\n')
    assert secret_from_toml_files([home / ".streamlit" / "secrets.toml", project / ".streamlit" / "secrets.toml"]) == (
        "from-project-0123456789"
    )  # as Streamlit does: the project's file overrides the home folder's
    (project / ".streamlit" / "secrets.toml").write_text("other = 1\n")
    assert secret_from_toml_files([project / ".streamlit" / "secrets.toml"]) is None
    assert secret_from_toml_files([tmp_path / "missing.toml"]) is None


def test_a_broken_secrets_toml_is_a_clear_error(tmp_path):
    from codesign.services.secret import secret_from_toml_files

    path = tmp_path / "secrets.toml"
    path.write_text("facilitator_secret = \n")
    with pytest.raises(CodesignError) as caught:
        secret_from_toml_files([path])
    assert caught.value.key == "error.secrets_toml"
    assert str(path) in str(caught.value)


def test_the_secret_file_is_not_world_readable_even_with_a_loose_umask(tmp_path):
    old = os.umask(0)
    try:
        facilitator_secret(tmp_path, env={})
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / ".facilitator_secret").stat().st_mode) == 0o600


# ----------------------------------------------------------------------------- the command line


@pytest.fixture
def cli_env(tmp_path, monkeypatch):
    """A sessions folder, no configured secret, and a working folder with no secrets.toml."""
    monkeypatch.setenv("CODESIGN_SESSIONS_DIR", str(tmp_path / "sessions"))
    monkeypatch.delenv("CODESIGN_FACILITATOR_SECRET", raising=False)
    monkeypatch.delenv("CODESIGN_BASE_URL", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    execs: list[list[str]] = []
    monkeypatch.setattr("codesign.cli.os.execv", lambda exe, argv: execs.append(argv))
    return tmp_path, execs


@pytest.mark.parametrize(
    "command", [["run"], ["demo"], ["session", "new", "--site", "aksu-city-square", "--title", "F", "--teams", "A"]]
)
def test_the_command_line_refuses_a_short_secret_from_the_environment(cli_env, monkeypatch, capsys, command):
    from codesign.cli import main

    _, execs = cli_env
    monkeypatch.setenv("CODESIGN_FACILITATOR_SECRET", "short-secret")
    assert main(command) == 2
    err = capsys.readouterr().err
    assert "CODESIGN_FACILITATOR_SECRET is too short (12 characters): use at least 16 characters" in err
    assert execs == []  # the app was not started


def test_the_command_line_reads_the_secret_from_secrets_toml(cli_env, capsys):
    from codesign.cli import main

    tmp_path, execs = cli_env
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text('facilitator_secret = "toml-secret-0123456789"\n')
    assert main(["run", "--port", "8600"]) == 0
    assert "http://localhost:8600/?key=toml-secret-0123456789" in capsys.readouterr().out  # the app's own secret
    assert len(execs) == 1
    (tmp_path / ".streamlit" / "secrets.toml").write_text('facilitator_secret = "toml-short"\n')
    assert main(["run"]) == 2
    assert "secrets.toml is too short (10 characters)" in capsys.readouterr().err
    assert len(execs) == 1
