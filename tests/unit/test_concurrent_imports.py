"""Imports from several processes at once: every import becomes a version, on both stores.

An import is "this file becomes the team's concept": it is stored on top of whatever is latest,
decided under the store's lock (the session's ``flock`` or its row lock in PostGIS), so N
processes importing M files each leave exactly N x M new versions, none refused as a conflict.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest
import shapely
from shapely.geometry import mapping

from codesign.domain.concept import Concept
from codesign.domain.session import PLAN_OWNER
from codesign.domain.site import load_site
from codesign.errors import SessionConflictError
from tests.conftest import ROOT, store_location

PROCESSES = 4
IMPORTS_EACH = 5

_WORKER = textwrap.dedent(
    """
    import sys
    from codesign.cli import main
    session, owner, path, count = sys.argv[1:5]
    codes = []
    for _ in range(int(count)):
        argv = ["import", "plan", session, path] if owner == "plan" else ["import", "concept", session, owner, path]
        codes.append(main(argv))
    sys.exit(max(codes))
    """
)


def _concept_file(tmp_path) -> str:
    """A GeoJSON with one lawn and one bench well inside the Aksu demo site."""
    site = load_site("aksu-city-square")
    centre = site.boundary.representative_point()
    lawn = shapely.box(centre.x - 0.0002, centre.y - 0.0001, centre.x + 0.0002, centre.y + 0.0001)
    data = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"type": "lawn"}, "geometry": mapping(lawn)},
            {"type": "Feature", "properties": {"type": "bench"}, "geometry": mapping(centre)},
        ],
    }
    path = tmp_path / "drawing.geojson"
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def _env(store) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CODESIGN_DATABASE_URL", "CODESIGN_SESSIONS_DIR")}
    location = store_location(store)
    if location.startswith("postgresql://"):
        env["CODESIGN_DATABASE_URL"] = location
    else:
        env["CODESIGN_SESSIONS_DIR"] = location
    env["PYTHONPATH"] = str(ROOT)
    return env


def _import_from_processes(store, session_id: str, owner: str, path: str) -> list[subprocess.CompletedProcess]:
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", _WORKER, session_id, owner, path, str(IMPORTS_EACH)],
            env=_env(store),
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(PROCESSES)
    ]
    results = []
    for worker in workers:
        out, err = worker.communicate(timeout=300)
        results.append(subprocess.CompletedProcess(worker.args, worker.returncode, out, err))
    return results


def test_concurrent_concept_imports_all_become_versions(store, tmp_path):
    session = store.create_session(site="aksu-city-square", title="Imports", teams=[("A", None)])
    team = session.teams[0].id
    results = _import_from_processes(store, session.id, team, _concept_file(tmp_path))
    for result in results:
        assert result.returncode == 0, result.stderr
        assert "Another tablet" not in result.stderr
    versions = [v.version for v in store.versions(session.id, team)]
    assert versions == list(range(1, PROCESSES * IMPORTS_EACH + 1))
    saved_lines = [line for r in results for line in r.stdout.splitlines() if line.startswith("Saved concept")]
    assert sorted(int(line.split("version ")[1].split(" ")[0]) for line in saved_lines) == versions
    latest = store.load_latest(session.id, team)
    assert sorted(f.category for f in latest.features) == ["bench", "lawn"]


def test_concurrent_plan_imports_all_become_versions(store, tmp_path):
    session = store.create_session(site="aksu-city-square", title="Plans", teams=[("A", None)])
    results = _import_from_processes(store, session.id, PLAN_OWNER, _concept_file(tmp_path))
    assert all(r.returncode == 0 for r in results), [r.stderr for r in results]
    assert store.latest_version(session.id, PLAN_OWNER) == PROCESSES * IMPORTS_EACH


def test_an_editor_based_on_an_old_version_still_gets_a_conflict(store):
    """``None`` is for imports only: a tablet's save based on an older version is still refused."""
    session = store.create_session(site="aksu-city-square", title="C", teams=[("A", None)])
    team = session.teams[0].id
    store.save_concept(session.id, team, Concept(site=session.site, team=team, title="one"), 0)
    store.save_concept(session.id, team, Concept(site=session.site, team=team, title="import"), None)
    with pytest.raises(SessionConflictError):
        store.save_concept(session.id, team, Concept(site=session.site, team=team, title="stale"), 1)
    assert store.latest_version(session.id, team) == 2


def test_a_conflict_reaching_the_command_line_is_worded_for_a_terminal(tmp_path, monkeypatch, capsys):
    from codesign.cli import main
    from codesign.storage.files import FileStore

    monkeypatch.setenv("CODESIGN_SESSIONS_DIR", str(tmp_path / "sessions"))
    session = FileStore(tmp_path / "sessions").create_session(site="aksu-city-square", title="C", teams=[("A", None)])

    def refuse(*_args, **_kwargs):
        raise SessionConflictError(latest=7, base=6)

    monkeypatch.setattr(FileStore, "save_concept", refuse)
    code = main(["--lang", "en", "import", "concept", session.id, "team-1", _concept_file(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2
    assert "team-1 saved version 7; nothing was stored. Run the command again." in err
    assert "tablet" not in err
