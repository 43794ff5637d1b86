"""Faults in the file store: a save killed midway, damaged version files, a full or read-only disk."""

from __future__ import annotations

import errno
import json
import math
import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
from shapely.geometry import Point, Polygon

import codesign.storage.files
from codesign.domain.concept import Concept, ConceptFeature, concept_from_geojson, concept_to_geojson
from codesign.errors import CodesignError, StoreError
from codesign.storage.disk import TEMP_PREFIX
from codesign.storage.files import DAMAGED_DIR, FileStore

ROOT = Path(__file__).resolve().parents[2]
SITE = "aksu-city-square"
TEAM = "team-1"
BIG_CONCEPT_FEATURES = 300
KILLS = 15


def oval_zone(i: int) -> Polygon:
    """A small 24-corner lawn, one of a grid over the site (a big file, about 1 kB per zone)."""
    cx, cy = 76.9350 + (i % 20) * 1e-4, 52.0340 + (i // 20) * 1e-4
    corners = [(cx + 3e-5 * math.cos(k / 12 * math.pi), cy + 2e-5 * math.sin(k / 12 * math.pi)) for k in range(24)]
    return Polygon(corners)


def big_concept(title: str = "") -> Concept:
    features = tuple(
        ConceptFeature(id=f"f{i}", category="lawn", geometry=oval_zone(i), label=f"Газон {i} 🌳")
        for i in range(1, BIG_CONCEPT_FEATURES + 1)
    )
    return Concept(SITE, TEAM, title=title, features=features)


def small_concept(title: str) -> Concept:
    bench = ConceptFeature(id="f1", category="bench", geometry=Point(76.935, 52.035), label="Скамейка")
    return Concept(SITE, TEAM, title=title, features=(bench,))


def save_forever(root: str, session_id: str) -> None:
    """The child process: save big versions as fast as it can until killed; "ready" after the first."""
    store = FileStore(root)
    concept = big_concept()
    for n in range(1_000_000):
        store.save_concept(
            session_id, TEAM, replace(concept, title=f"save {n}"), store.latest_version(session_id, TEAM)
        )
        if n == 0:
            print("ready", flush=True)


def owner_dir(store: FileStore, session_id: str, owner: str = TEAM) -> Path:
    return store.root / session_id / "concepts" / owner


def version_files(store: FileStore, session_id: str) -> list[Path]:
    folder = owner_dir(store, session_id)
    return sorted(folder.glob("v*.geojson")) if folder.is_dir() else []


def check_nothing_lost_or_torn(store: FileStore, session_id: str, parsed: dict[str, tuple] | None = None) -> int:
    """Versions 1..N are all there and whole, the latest loads; returns N.

    ``parsed`` remembers files already parsed (by name, inode, size and time) across calls.
    """
    parsed = {} if parsed is None else parsed
    numbers = [v.version for v in store.versions(session_id, TEAM)]
    assert numbers == list(range(1, len(numbers) + 1))
    assert [p.name for p in version_files(store, session_id)] == [f"v{n:06d}.geojson" for n in numbers]
    for path in version_files(store, session_id):
        stat = path.stat()
        if parsed.get(path.name) != (stat.st_ino, stat.st_size, stat.st_mtime_ns):
            concept_from_geojson(json.loads(path.read_bytes()))  # every file on disk parses: none torn
            parsed[path.name] = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
    assert store.damaged_versions(session_id) == []
    latest = store.load_latest(session_id, TEAM)
    if not numbers:
        assert latest is None
        return 0
    assert latest.version == numbers[-1]
    assert len(latest.features) == BIG_CONCEPT_FEATURES
    assert concept_from_geojson(concept_to_geojson(latest)) == latest
    return numbers[-1]


def test_a_save_killed_at_random_moments_never_loses_or_tears_a_version(store):
    session = store.create_session(site=SITE, title="kill -9", teams=[("A", None)])
    code = "import sys; from tests.unit.test_faults import save_forever; save_forever(*sys.argv[1:])"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    delays = random.Random(7)
    started = time.monotonic()
    latest, leftovers_seen, parsed = 0, 0, {}
    checker = FileStore(store.root)  # the app's store in another process, reading while the child saves
    for _ in range(KILLS):
        child = subprocess.Popen(
            [sys.executable, "-c", code, str(store.root), session.id], cwd=ROOT, env=env, stdout=subprocess.PIPE
        )
        try:
            assert child.stdout.readline() == b"ready\n"
            time.sleep(delays.uniform(0.005, 0.080))
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait(10)
            child.stdout.close()
        assert child.returncode == -signal.SIGKILL
        now = check_nothing_lost_or_torn(checker, session.id, parsed)
        assert now >= latest
        latest = now
        leftovers_seen += len(list(owner_dir(store, session.id).glob(f"{TEMP_PREFIX}*")))
    assert latest > 0, "the child never got a save through: make the delays longer"
    saved = store.save_concept(session.id, TEAM, big_concept("after the kills"), base_version=latest)
    assert saved.version == latest + 1
    assert list(owner_dir(store, session.id).glob(f"{TEMP_PREFIX}*")) == []  # the next save cleaned up
    assert check_nothing_lost_or_torn(store, session.id) == latest + 1
    assert time.monotonic() - started < 60, "keep this test short"
    print(f"{KILLS} kills, {latest} versions survived, {leftovers_seen} leftover temp files seen")


def test_leftover_temp_files_are_ignored_and_removed_by_the_next_save(store):
    session = store.create_session(site=SITE, title="tmp", teams=[("A", None)])
    store.save_concept(session.id, TEAM, small_concept("one"), base_version=0)
    leftover = owner_dir(store, session.id) / f"{TEMP_PREFIX}k1ll3d.geojson"
    leftover.write_bytes(b'{"type": "FeatureCollection", "codesign": {"ver')
    assert [v.version for v in store.versions(session.id, TEAM)] == [1]
    assert store.load_latest(session.id, TEAM).title == "one"
    assert store.save_concept(session.id, TEAM, small_concept("two"), base_version=1).version == 2
    assert not leftover.exists()
    assert store.damaged_versions(session.id) == []


# ----------------------------------------------------------------------------- damaged files

TRUNCATED = "truncated"
DAMAGE = {
    TRUNCATED: None,  # the latest file cut in half
    "garbage": b"\x89PNG\r\n\x1a\n\xff\xfe not a concept \x00\x01",
    "empty": b"",
    "json of the wrong shape": b'{"type": "FeatureCollection", "features": []}',
    "a json list": b"[1, 2, 3]",
    "a bad feature": json.dumps(
        {"type": "FeatureCollection", "codesign": {"version": 2}, "features": [{"type": "Feature"}]}
    ).encode(),
    "deeply nested": b"[" * 100_000 + b"]" * 100_000,
    # files that make the reader itself stumble (OverflowError, IndexError) are damaged too
    "a number beyond float": b'{"type": "FeatureCollection", "codesign": {"version": 2}, "features": [{"type": '
    b'"Feature", "properties": {"id": "f1", "category": "bench"}, "geometry": {"type": "Point", "coordinates": [1'
    + b"0" * 400
    + b", 52]}}]}",
    "a polygon without rings": b'{"type": "FeatureCollection", "codesign": {"version": 2}, "features": [{"type": '
    b'"Feature", "properties": {"id": "f1", "category": "lawn"}, "geometry": {"type": "MultiPolygon", "coordinates": '
    b"[[], [[[76.93, 52.03], [76.94, 52.03], [76.94, 52.04], [76.93, 52.03]]]]}}]}",
}
EXPECTED_REASON = {
    TRUNCATED: "not valid JSON",
    "garbage": "not UTF-8",
    "empty": "not valid JSON",
    "json of the wrong shape": "not a concept file",
    "a json list": "not a concept file",
    "a bad feature": "not a concept file",
    "deeply nested": "nested too deeply",
    "a number beyond float": "not a concept file",
    "a polygon without rings": "not a concept file",
}


def damage_latest(store: FileStore, session_id: str, damage: str) -> bytes:
    """Save versions 1 and 2, then spoil version 2 on disk; returns the spoiled bytes."""
    store.save_concept(session_id, TEAM, small_concept("good"), base_version=0)
    store.save_concept(session_id, TEAM, small_concept("spoiled later"), base_version=1)
    path = owner_dir(store, session_id) / "v000002.geojson"
    data = DAMAGE[damage]
    if data is None:
        data = path.read_bytes()[: path.stat().st_size // 2]
    path.write_bytes(data)
    return data


def meet_with_load_latest(store: FileStore, session_id: str) -> None:
    assert store.load_latest(session_id, TEAM).title == "good"


def meet_with_versions(store: FileStore, session_id: str) -> None:
    assert [v.version for v in store.versions(session_id, TEAM)] == [1]


def meet_with_save(store: FileStore, session_id: str) -> None:
    assert store.save_concept(session_id, TEAM, small_concept("after"), base_version=1).version == 3


def meet_with_latest_version(store: FileStore, session_id: str) -> None:
    assert store.latest_version(session_id, TEAM) == 1


@pytest.mark.parametrize("damage", list(DAMAGE))
@pytest.mark.parametrize(
    "meet",
    [meet_with_load_latest, meet_with_versions, meet_with_save, meet_with_latest_version],
    ids=lambda f: f.__name__,
)
def test_a_damaged_latest_version_is_set_aside_and_reported(store, damage, meet):
    session = store.create_session(site=SITE, title="damaged", teams=[("A", None), ("B", None)])
    spoiled = damage_latest(store, session.id, damage)
    fresh = FileStore(store.root)  # another process, e.g. after a restart
    assert fresh.load_session(session.id).title == "damaged"  # the session still opens
    meet(fresh, session.id)

    set_aside = owner_dir(store, session.id) / DAMAGED_DIR / "v000002.geojson"
    assert set_aside.read_bytes() == spoiled  # moved with its name kept, never deleted
    assert not (owner_dir(store, session.id) / "v000002.geojson").exists()
    [(owner, name, reason)] = fresh.damaged_versions(session.id)
    assert (owner, name) == (TEAM, "v000002.geojson")
    assert EXPECTED_REASON[damage] in reason
    saved_by_meet = meet is meet_with_save
    assert fresh.load_latest(session.id, TEAM).title == ("after" if saved_by_meet else "good")
    assert [v.version for v in fresh.versions(session.id, TEAM)] == ([1, 3] if saved_by_meet else [1])
    # the next save never reuses the damaged number
    latest = fresh.latest_version(session.id, TEAM)
    saved = fresh.save_concept(session.id, TEAM, small_concept("new"), base_version=latest)
    assert saved.version == (4 if saved_by_meet else 3)
    assert fresh.load_latest(session.id, TEAM).title == "new"
    assert fresh.load_latest(session.id, "team-2") is None


def test_a_damaged_version_in_the_middle_is_set_aside_and_the_others_stay(store):
    session = store.create_session(site=SITE, title="middle", teams=[("A", None)])
    for version in range(3):
        store.save_concept(session.id, TEAM, small_concept(f"v{version + 1}"), base_version=version)
    (owner_dir(store, session.id) / "v000002.geojson").write_text("{", "utf-8")
    assert [v.version for v in store.versions(session.id, TEAM)] == [1, 3]
    assert store.load_latest(session.id, TEAM).title == "v3"
    with pytest.raises(CodesignError) as err:
        store.load_version(session.id, TEAM, 2)
    assert err.value.key == "error.version_not_found"
    assert [name for _, name, _ in store.damaged_versions(session.id)] == ["v000002.geojson"]


def test_load_version_sets_a_damaged_file_aside(store):
    session = store.create_session(site=SITE, title="restore", teams=[("A", None)])
    damage_latest(store, session.id, "garbage")
    with pytest.raises(CodesignError) as err:
        FileStore(store.root).load_version(session.id, TEAM, 2)
    assert err.value.key == "error.version_not_found"
    assert [name for _, name, _ in store.damaged_versions(session.id)] == ["v000002.geojson"]


def test_a_file_holding_another_version_number_is_damaged(store):
    session = store.create_session(site=SITE, title="copied", teams=[("A", None)])
    store.save_concept(session.id, TEAM, small_concept("one"), base_version=0)
    folder = owner_dir(store, session.id)
    (folder / "v000002.geojson").write_bytes((folder / "v000001.geojson").read_bytes())
    assert store.load_latest(session.id, TEAM).version == 1
    [(_, name, reason)] = store.damaged_versions(session.id)
    assert (name, reason) == ("v000002.geojson", "holds version 1, not 2")


def test_numbers_are_never_reused_after_damage_again_and_again(store):
    session = store.create_session(site=SITE, title="again", teams=[("A", None)])
    store.save_concept(session.id, TEAM, small_concept("v1"), base_version=0)
    good = 1
    for expected in (2, 3, 4):
        store.save_concept(session.id, TEAM, small_concept(f"v{expected}"), base_version=good)
        (owner_dir(store, session.id) / f"v{expected:06d}.geojson").write_bytes(b"\x00")
        assert store.latest_version(session.id, TEAM) == good
    saved = store.save_concept(session.id, TEAM, small_concept("v5"), base_version=good)
    assert saved.version == 5
    assert [n for _, n, _ in store.damaged_versions(session.id)] == [f"v{n:06d}.geojson" for n in (2, 3, 4)]
    assert [v.version for v in store.versions(session.id, TEAM)] == [1, 5]


def test_a_second_damaged_file_with_a_taken_name_is_kept_beside_the_first(store):
    session = store.create_session(site=SITE, title="twice", teams=[("A", None)])
    damage_latest(store, session.id, "empty")
    assert store.latest_version(session.id, TEAM) == 1
    (owner_dir(store, session.id) / "v000002.geojson").write_bytes(b"{}")  # someone put a copy back by hand
    assert store.latest_version(session.id, TEAM) == 1
    names = [name for _, name, _ in store.damaged_versions(session.id)]
    assert names == ["v000002.geojson", "v000002.geojson.2"]
    assert store.save_concept(session.id, TEAM, small_concept("next"), base_version=1).version == 3


def test_a_file_that_cannot_be_opened_now_is_skipped_not_moved(store):
    session = store.create_session(site=SITE, title="eisdir", teams=[("A", None)])
    store.save_concept(session.id, TEAM, small_concept("one"), base_version=0)
    (owner_dir(store, session.id) / "v000002.geojson").mkdir()  # opening it fails with an OSError
    assert store.load_latest(session.id, TEAM).version == 1
    assert store.latest_version(session.id, TEAM) == 1
    assert store.save_concept(session.id, TEAM, small_concept("two"), base_version=1).version == 3
    assert (owner_dir(store, session.id) / "v000002.geojson").is_dir()
    assert store.damaged_versions(session.id) == []


# ----------------------------------------------------------------------------- full or read-only disk


class FullDisk:
    """Stands in for one of the calls a save makes, failing like a full disk."""

    def __call__(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")


class FullDiskFile:
    """A file object from ``os.fdopen`` whose writes fail like a full disk."""

    def __init__(self, handle):
        self.handle = handle

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.handle.close()

    def write(self, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    def __getattr__(self, name):
        return getattr(self.handle, name)


def assert_untouched(store: FileStore, session_id: str) -> None:
    assert [v.version for v in store.versions(session_id, TEAM)] == [1]
    assert store.load_latest(session_id, TEAM).title == "before"
    assert sorted(p.name for p in owner_dir(store, session_id).iterdir()) == ["v000001.geojson"]
    assert store.damaged_versions(session_id) == []


@pytest.mark.parametrize("failing", ["write", "fsync", "replace"])
def test_a_full_disk_is_a_clear_error_at_save_time_and_nothing_earlier_is_touched(store, monkeypatch, failing):
    session = store.create_session(site=SITE, title="full", teams=[("A", None)])
    store.save_concept(session.id, TEAM, small_concept("before"), base_version=0)
    if failing == "write":
        real_fdopen = os.fdopen
        monkeypatch.setattr(os, "fdopen", lambda fd, *a, **k: FullDiskFile(real_fdopen(fd, *a, **k)))
    else:
        monkeypatch.setattr(os, failing, FullDisk())
    with pytest.raises(StoreError) as err:
        store.save_concept(session.id, TEAM, small_concept("after"), base_version=1)
    assert err.value.key == "save.failed"
    assert err.value.params == {"reason": "No space left on device"}
    assert "No space left on device" in str(err.value)
    monkeypatch.undo()
    assert_untouched(store, session.id)
    assert store.save_concept(session.id, TEAM, small_concept("later"), base_version=1).version == 2


def test_a_full_disk_while_writing_rounds_tokens_or_the_session_is_a_store_error(store, monkeypatch):
    session = store.create_session(site=SITE, title="full", teams=[("A", None)])
    monkeypatch.setattr(os, "replace", FullDisk())
    with pytest.raises(StoreError):
        store.update_rounds(session.id, lambda state: state)
    with pytest.raises(StoreError):
        store.update_session(replace(session, title="new"))
    with pytest.raises(StoreError):
        store.reissue_token(session.id, TEAM)
    monkeypatch.undo()
    assert store.load_session(session.id) == session


def test_a_read_only_sessions_folder_is_a_clear_error_at_save_time(store):
    session = store.create_session(site=SITE, title="ro", teams=[("A", None)])
    store.save_concept(session.id, TEAM, small_concept("before"), base_version=0)
    (store.root / session.id / ".lock").unlink()  # a session nobody has saved in since a restart
    folders = [store.root, store.root / session.id, store.root / session.id / "concepts", owner_dir(store, session.id)]
    for folder in folders:
        folder.chmod(0o555)
    try:
        if os.geteuid() != 0:
            with pytest.raises(StoreError) as err:
                store.save_concept(session.id, TEAM, small_concept("after"), base_version=1)
            assert err.value.key == "save.failed"
            assert err.value.params["reason"] in ("Permission denied", "Read-only file system")
        else:  # root ignores file modes (as in CI): the save goes through; see the monkeypatched tests
            assert store.save_concept(session.id, TEAM, small_concept("after"), base_version=1).version == 2
    finally:
        for folder in folders:
            folder.chmod(0o755)
    if os.geteuid() != 0:
        assert_untouched(store, session.id)


def test_a_lock_file_that_cannot_be_created_is_a_store_error(store, monkeypatch):
    session = store.create_session(site=SITE, title="no lock", teams=[("A", None)])
    store.save_concept(session.id, TEAM, small_concept("before"), base_version=0)
    (store.root / session.id / ".lock").unlink()

    def read_only_open(path, mode="r", *args, **kwargs):
        if "a" in mode or "w" in mode:
            raise PermissionError(errno.EROFS, "Read-only file system")
        return open(path, mode, *args, **kwargs)

    monkeypatch.setattr(codesign.storage.files, "open", read_only_open, raising=False)
    with pytest.raises(StoreError) as err:
        store.save_concept(session.id, TEAM, small_concept("after"), base_version=1)
    assert (err.value.key, err.value.params) == ("save.failed", {"reason": "Read-only file system"})
    monkeypatch.undo()
    assert_untouched(store, session.id)
