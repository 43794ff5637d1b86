"""The stores (files and PostGIS): versions, conflicts, concurrent saves from threads and processes.

Every test taking ``store`` runs on both stores (see tests/conftest.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from shapely.geometry import Point

from codesign.domain.access import facilitator_secret, join_link, secret_matches, team_for_token
from codesign.domain.concept import Concept, ConceptFeature
from codesign.errors import AccessDenied, CodesignError, InvalidIdentifier, SessionConflictError, SessionNotFound
from codesign.storage.base import Store
from codesign.storage.files import FileStore
from tests.conftest import open_location, store_location


def bench_at(i: int) -> ConceptFeature:
    return ConceptFeature(id=f"f{i}", category="bench", geometry=Point(76.93 + i * 1e-6, 52.03))


def make_session(store: Store, teams=("Жасыл аула", "Семьи Аксу")):
    return store.create_session(site="aksu-city-square", title="Форум", teams=[(t, None) for t in teams])


def test_every_save_is_a_new_version_and_old_ones_stay(store):
    s = make_session(store)
    c1 = store.save_concept(s.id, "team-1", Concept(s.site, "team-1", features=(bench_at(1),)), base_version=0)
    c2 = store.save_concept(s.id, "team-1", replace(c1, title="Наш сквер"), base_version=1)
    assert (c1.version, c2.version) == (1, 2)
    assert [v.version for v in store.versions(s.id, "team-1")] == [1, 2]
    assert store.load_version(s.id, "team-1", 1).title == ""
    assert store.load_latest(s.id, "team-1").title == "Наш сквер"
    assert store.load_latest(s.id, "team-2") is None
    if isinstance(store, FileStore):
        files = sorted(p.name for p in (store.root / s.id / "concepts" / "team-1").iterdir())
        assert files == ["v000001.geojson", "v000002.geojson"]


def test_a_save_based_on_an_old_version_is_a_conflict_not_an_overwrite(store):
    s = make_session(store)
    store.save_concept(s.id, "team-1", Concept(s.site, "team-1"), base_version=0)
    store.save_concept(s.id, "team-1", Concept(s.site, "team-1", title="tablet A"), base_version=1)
    with pytest.raises(SessionConflictError) as err:
        store.save_concept(s.id, "team-1", Concept(s.site, "team-1", title="tablet B"), base_version=1)
    assert err.value.params == {"latest": 2, "base": 1}
    assert store.load_latest(s.id, "team-1").title == "tablet A"


def test_saved_time_comes_from_the_injected_clock(reopen_store):
    fixed = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    store = reopen_store(now=lambda: fixed)
    s = make_session(store)
    saved = store.save_concept(s.id, "team-1", Concept(s.site, "team-1"), base_version=0)
    assert saved.saved_at == "2026-12-01T09:30:00+00:00"
    assert s.date == "2026-12-01"


@pytest.mark.file_store_only
def test_a_damaged_latest_file_falls_back_to_the_version_before(store):
    s = make_session(store)
    store.save_concept(s.id, "team-1", Concept(s.site, "team-1", title="good"), base_version=0)
    (store.root / s.id / "concepts" / "team-1" / "v000002.geojson").write_text('{"type": "Feature', "utf-8")
    assert store.load_latest(s.id, "team-1").title == "good"


@pytest.mark.parametrize("bad", ["../etc", "/abs", "a\x00b", "a\\b", "UPPER", "", "a" * 65])
def test_identifiers_that_could_hide_a_path_are_refused(store, bad):
    with pytest.raises(InvalidIdentifier):
        store.load_session(bad)
    with pytest.raises(InvalidIdentifier):
        store.create_session(site=bad, title="x", teams=[("A", None)])


def test_unknown_session_and_bad_input(store):
    with pytest.raises(SessionNotFound):
        store.load_session("no-such-session")
    with pytest.raises(CodesignError) as err:
        store.create_session(site="aksu-city-square", title="x", teams=[("A", None), ("a", None)])
    assert err.value.key == "session.duplicate_team"


def test_tokens_open_only_their_own_team(store):
    s = make_session(store)
    one, two = s.teams
    assert one.token != two.token
    assert len(one.token) >= 20
    assert team_for_token(s, one.token).id == "team-1"
    assert team_for_token(s, two.token).id == "team-2"
    for bad in (None, "", one.token[:-1], one.token + "x"):
        with pytest.raises(AccessDenied):
            team_for_token(s, bad)
    other = make_session(store)
    with pytest.raises(AccessDenied):
        team_for_token(other, one.token)  # a token for one session gives nothing in another
    assert join_link("http://10.0.0.5:8501/", s.id, one.token).startswith(f"http://10.0.0.5:8501/sketch?s={s.id}&t=")


def test_facilitator_secret_is_generated_once_and_overridable(tmp_path):
    secret, created = facilitator_secret(tmp_path, env={})
    assert created
    assert len(secret) >= 20
    assert (tmp_path / ".facilitator_secret").stat().st_mode & 0o777 == 0o600
    assert facilitator_secret(tmp_path, env={}) == (secret, False)
    from_env, from_toml = "from-env-0123456789", "from-toml-0123456789"
    assert facilitator_secret(tmp_path, env={"CODESIGN_FACILITATOR_SECRET": from_env}) == (from_env, False)
    assert facilitator_secret(tmp_path, env={}, configured=from_toml) == (from_toml, False)
    assert secret_matches(secret, secret)
    assert not secret_matches(secret[:-1], secret)
    assert not secret_matches(None, secret)


def _save_until_stored(store: Store, session_id: str, team: str, count: int, tag: str) -> int:
    """Save ``count`` benches, one per version, retrying on conflicts like a tablet would."""
    conflicts = 0
    for i in range(count):
        while True:
            latest = store.load_latest(session_id, team) or Concept("aksu-city-square", team)
            feature = ConceptFeature(
                id=latest.next_feature_id(), category="bench", geometry=Point(76.93, 52.03), label=f"{tag}-{i}"
            )
            try:
                store.save_concept(
                    session_id, team, replace(latest, features=(*latest.features, feature)), base_version=latest.version
                )
                break
            except SessionConflictError:
                conflicts += 1
    return conflicts


def _check_no_loss(store: Store, session_id: str, team: str, expected_labels: set[str]) -> None:
    versions = store.versions(session_id, team)
    assert [v.version for v in versions] == list(range(1, len(expected_labels) + 1))  # none lost, none torn
    latest = store.load_latest(session_id, team)
    assert {f.label for f in latest.features} == expected_labels
    assert store.damaged_versions(session_id) == []
    if isinstance(store, FileStore):
        for path in (store.root / session_id / "concepts" / team).iterdir():
            json.loads(path.read_bytes())  # every file whole


def test_ten_threads_on_one_team_lose_nothing(store):
    s = make_session(store)
    threads = [threading.Thread(target=_save_until_stored, args=(store, s.id, "team-1", 5, f"t{n}")) for n in range(10)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    _check_no_loss(store, s.id, "team-1", {f"t{n}-{i}" for n in range(10) for i in range(5)})


def _process_worker(location: str, session_id: str, tag: str) -> None:
    """Save from another process, which opens the store from its folder or database URL."""
    store = open_location(location)
    _save_until_stored(store, session_id, "team-2", 5, tag)
    if hasattr(store, "close"):
        store.close()


def test_separate_processes_lose_nothing(store):
    s = make_session(store)
    root = Path(__file__).resolve().parents[2]
    code = "import sys; from tests.unit.test_store import _process_worker as w; w(*sys.argv[1:])"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, store_location(store), s.id, f"p{n}"],
            cwd=root,
            env={**os.environ, "PYTHONPATH": str(root)},
        )
        for n in range(4)
    ]
    for p in procs:
        assert p.wait(60) == 0
    _check_no_loss(store, s.id, "team-2", {f"p{n}-{i}" for n in range(4) for i in range(5)})
