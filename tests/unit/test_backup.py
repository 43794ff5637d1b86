"""``codesign backup`` / ``restore``: a store into one file and back into an empty store, nothing changed.

Runs on both stores (the ``store`` fixture); the restored store must answer ``compare --json``
and ``consensus --json`` for every session exactly as the original did.
"""

from __future__ import annotations

import json
import secrets
import threading
import zipfile
from dataclasses import replace

import psycopg
import pytest
from shapely.geometry import Point

from codesign.cli import main
from codesign.domain.concept import ConceptFeature
from codesign.domain.session import PLAN_OWNER
from codesign.services.demo import ensure_demo_session
from codesign.storage.backup import backup_store, restore_backup
from codesign.storage.files import FileStore
from codesign.storage.postgis import PostgisStore, url_with_schema
from tests.conftest import store_location
from tests.unit.test_store_copy import assert_same_workshop, workshop


@pytest.fixture
def empty_store(store_kind, tmp_path, request):
    """Another empty store of the kind under test (a new folder, or a new schema of the test database)."""
    if store_kind == "file":
        yield FileStore(tmp_path / "restored")
        return
    server = request.getfixturevalue("postgis_server_url")
    schema = f"test_restore_{secrets.token_hex(6)}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        with PostgisStore(url_with_schema(server, schema)) as opened:
            yield opened
    finally:
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def cli_json(monkeypatch, capsys, store, argv: list[str]) -> object:
    """Run a command against ``store`` (as the configured store) and parse what it printed."""
    location = store_location(store)
    if location.startswith("postgresql://"):
        monkeypatch.setenv("CODESIGN_DATABASE_URL", location)
    else:
        monkeypatch.delenv("CODESIGN_DATABASE_URL", raising=False)
        monkeypatch.setenv("CODESIGN_SESSIONS_DIR", location)
    capsys.readouterr()
    assert main(argv) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


def analyses(monkeypatch, capsys, store) -> dict[str, object]:
    """Every session's comparisons (each team against the plan) and consensus, as the CLI prints them."""
    found: dict[str, object] = {}
    for session in store.list_sessions():
        for team in session.teams:
            argv = ["compare", session.id, "--team", team.id, "--json"]
            found[" ".join(argv)] = cli_json(monkeypatch, capsys, store, argv)
        argv = ["consensus", session.id, "--with-plan", "--json"]
        found[" ".join(argv)] = cli_json(monkeypatch, capsys, store, argv)
    return found


def test_restore_into_an_empty_store_gives_the_same_workshops(store, empty_store, tmp_path, monkeypatch, capsys):
    ids = [workshop(store, "Форум в Аксу"), workshop(store, "Рудный"), ensure_demo_session(store).id]
    before = analyses(monkeypatch, capsys, store)
    assert len(before) == 3 * (2 + 1)  # each session: two teams against the plan, and its consensus

    out = tmp_path / "backups" / "codesign.zip"
    assert main(["backup", "--out", str(out), "--store", store_location(store)]) == 0
    printed = capsys.readouterr().out
    assert "3 session(s) written" in printed
    assert "team-1 3, team-2 2, plan 1, vision 1; rounds and votes" in printed
    assert main(["restore", str(out), "--store", store_location(empty_store)]) == 0
    assert "3 session(s) restored." in capsys.readouterr().out

    restored = empty_store
    assert sorted(s.id for s in restored.list_sessions()) == sorted(ids)
    for session_id in ids:
        # sessions, tokens, versions (each with its own save time), rounds, votes; the folder's listing
        # dates a version by its file (up to a second after the save time the version holds)
        assert_same_workshop(store, restored, session_id, same_times=False)
    after = analyses(monkeypatch, capsys, restored)
    assert after == before
    assert list(out.parent.iterdir()) == [out]  # no temporary file left beside it
    assert out.stat().st_mode & 0o777 == 0o600  # it holds every team's link


def test_a_session_the_store_holds_is_refused_before_anything_is_restored(store, empty_store, tmp_path, capsys):
    first, second = workshop(store, "Аксу"), workshop(store, "Качар")
    out = tmp_path / "all.zip"
    backup_store(store, out)
    restore_backup(out, empty_store, [second])
    assert main(["restore", str(out), "--store", store_location(empty_store)]) == 2
    assert f"{second}" in capsys.readouterr().err
    assert [s.id for s in empty_store.list_sessions()] == [second]  # the first was not restored either
    assert [c.session_id for c in restore_backup(out, empty_store, [first])] == [first]


def test_a_file_that_is_not_a_backup_is_refused_with_the_reason(store, tmp_path, capsys):
    not_zip = tmp_path / "notes.zip"
    not_zip.write_text("hello")
    assert main(["--lang", "ru", "restore", str(not_zip), "--store", store_location(store)]) == 2
    assert "не резервная копия" in capsys.readouterr().err
    other = tmp_path / "other.zip"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("manifest.json", json.dumps({"format": "something else"}))
    assert main(["restore", str(other), "--store", store_location(store)]) == 2
    assert "no backup manifest" in capsys.readouterr().err
    assert store.list_sessions() == []


def test_the_snapshot_leaves_out_a_save_made_while_it_is_taken(store, reopen_store, tmp_path):
    session_id = workshop(store, "Хромтау")
    other = reopen_store()  # another app process
    latest = other.load_latest(session_id, PLAN_OWNER)
    saved = threading.Event()

    def save_meanwhile() -> None:
        feature = ConceptFeature("f9", "bench", Point(76.9342, 52.0355))
        other.save_concept(session_id, PLAN_OWNER, replace(latest, features=(*latest.features, feature)), 1)
        saved.set()

    with store.snapshot(session_id):
        before = store.versions(session_id, PLAN_OWNER)
        saver = threading.Thread(target=save_meanwhile)
        saver.start()
        saver.join(1.5)  # the folder's lock holds the save back; the database lets it through unseen
        assert store.versions(session_id, PLAN_OWNER) == before
        assert [v.version for v in before] == [1]
    saver.join(10)
    assert saved.is_set()
    assert [v.version for v in store.versions(session_id, PLAN_OWNER)] == [1, 2]
