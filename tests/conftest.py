"""Shared fixtures: a square test site with known areas, and temporary stores of both kinds.

Every test that takes the ``store`` fixture runs twice, on the file store and on the PostGIS
store (``test_x[file]``, ``test_x[postgis]``), unless it is marked ``file_store_only`` or its
module is in :data:`FILE_STORE_ONLY_MODULES`. Each PostGIS test gets a fresh schema of the test
database (dropped afterwards). The test database is ``CODESIGN_TEST_DATABASE_URL`` or, when
that is unset, a throwaway cluster started by ``tools/pg_cluster.sh`` for the run (Debian's
postgresql-15 and postgresql-15-postgis-3; ``make test`` installs them). If no database can be
had, the PostGIS tests fail, they never skip; ``CODESIGN_TEST_STORES=file`` leaves them out on
a developer's machine (refused when ``CI=true``).
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
import shapely
from pyproj import CRS
from shapely.geometry import box, mapping

from codesign.config import DATABASE_URL_VARIABLE
from codesign.domain.geometry import MetricFrame
from codesign.storage.base import Store
from codesign.storage.files import FileStore
from codesign.storage.postgis import url_with_schema

# pytest puts the clone on sys.path itself (tests/ is a package: its parent is the root folder).
ROOT = Path(__file__).resolve().parent.parent

# Tests choose their store themselves: a database configured in the shell must not leak into them.
os.environ.pop(DATABASE_URL_VARIABLE, None)

STORE_KINDS = ("file", "postgis")
#: Modules about the sessions folder itself (files, locks, damaged files, raw bytes): file store only.
FILE_STORE_ONLY_MODULES = frozenset({"test_faults", "test_hostile"})
PG_CLUSTER = ROOT / "tools" / "pg_cluster.sh"

#: South-west corner of the test site in UTM 43N metres (near Aksu's centre).
ORIGIN = (630000.0, 5767000.0)


class Paper:
    """Shapes drawn 'on paper' in metres relative to the site's south-west corner."""

    def __init__(self) -> None:
        crs = CRS.from_epsg(32643)
        from pyproj import Transformer

        self._to_ll = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
        self.frame = MetricFrame(self.lonlat(box(0, 0, 100, 100)), crs)

    def lonlat(self, geom):
        """A shape in paper metres -> lon/lat shapely geometry (unrounded)."""

        def move(coords):
            import numpy as np

            x, y = self._to_ll.transform(coords[:, 0] + ORIGIN[0], coords[:, 1] + ORIGIN[1])
            return np.column_stack([x, y])

        return shapely.transform(geom, move)

    def geojson(self, geom) -> dict:
        """A shape in paper metres -> raw GeoJSON geometry with lists."""
        from codesign.domain.geometry import to_geojson_geometry

        return to_geojson_geometry(self.lonlat(geom))

    def drawing(self, geom, **props) -> dict:
        return {"type": "Feature", "properties": props, "geometry": self.geojson(geom)}


@pytest.fixture(scope="session")
def paper() -> Paper:
    return Paper()


# ----------------------------------------------------------------------------- stores


def wanted_store_kinds() -> tuple[str, ...]:
    """Both stores, or only the file store with ``CODESIGN_TEST_STORES=file`` (not on CI)."""
    wanted = os.environ.get("CODESIGN_TEST_STORES", "").strip()
    if not wanted:
        return STORE_KINDS
    kinds = tuple(k.strip() for k in wanted.split(",") if k.strip())
    if set(kinds) - set(STORE_KINDS):
        raise pytest.UsageError(f"CODESIGN_TEST_STORES={wanted!r}: use file, postgis or file,postgis")
    if os.environ.get("CI") == "true" and kinds != STORE_KINDS:
        raise pytest.UsageError("CODESIGN_TEST_STORES may not leave a store out on CI")
    return kinds


def pytest_configure(config):
    config.addinivalue_line("markers", "file_store_only: runs on the file store only (it inspects the folder)")


def pytest_generate_tests(metafunc):
    """Run every test that uses the ``store`` fixture on each store kind."""
    if "store_kind" not in metafunc.fixturenames:
        return
    kinds = wanted_store_kinds()
    module = metafunc.module.__name__.rpartition(".")[2]
    if metafunc.definition.get_closest_marker("file_store_only") or module in FILE_STORE_ONLY_MODULES:
        kinds = ("file",)
    metafunc.parametrize("store_kind", kinds)


@pytest.fixture
def store_kind() -> str:
    """The kind of store under test (parametrized by :func:`pytest_generate_tests`)."""
    return "file"


@pytest.fixture(scope="session")
def postgis_server_url() -> Iterator[str]:
    """The test database: ``CODESIGN_TEST_DATABASE_URL``, or a throwaway cluster for this run."""
    given = os.environ.get("CODESIGN_TEST_DATABASE_URL", "").strip()
    if given:
        yield given
        return
    folder = tempfile.mkdtemp(prefix="codesign-pg-")  # under /tmp: the postgres user must reach it

    def remove_cluster() -> None:
        subprocess.run(["bash", str(PG_CLUSTER), "stop", folder], capture_output=True, timeout=120, check=False)
        shutil.rmtree(folder, ignore_errors=True)

    try:
        started = subprocess.run(
            ["bash", str(PG_CLUSTER), "start", folder], capture_output=True, text=True, timeout=300, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as err:
        remove_cluster()
        pytest.fail(f"could not start a PostgreSQL cluster for the PostGIS store tests: {err}")
    if started.returncode != 0:
        remove_cluster()
        pytest.fail(
            "the PostGIS store tests need PostgreSQL 15 with PostGIS: set CODESIGN_TEST_DATABASE_URL, or install"
            " Debian's postgresql and postgresql-15-postgis-3 (make test does; CODESIGN_TEST_STORES=file leaves"
            f" these tests out on a developer's machine). tools/pg_cluster.sh said: {started.stderr.strip()}"
        )
    try:
        yield started.stdout.strip().splitlines()[-1]
    finally:
        remove_cluster()


@pytest.fixture
def postgis_url(postgis_server_url) -> Iterator[str]:
    """A fresh, empty schema of the test database, as a URL that selects it; dropped afterwards."""
    import psycopg

    schema = f"test_{secrets.token_hex(6)}"
    with psycopg.connect(postgis_server_url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield url_with_schema(postgis_server_url, schema)
    finally:
        with psycopg.connect(postgis_server_url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def store_location(store: Store) -> str:
    """Where another process finds the same store: the database URL or the sessions folder."""
    return store.url if hasattr(store, "url") else str(store.root)


def open_location(location: str, now: Callable[[], datetime] | None = None) -> Store:
    """The store at a location from :func:`store_location` (as another process opens it)."""
    if location.startswith("postgresql://"):
        from codesign.storage.postgis import PostgisStore

        return PostgisStore(location, now=now)
    return FileStore(location, now=now)


@pytest.fixture
def store(store_kind, tmp_path, request) -> Iterator[Store]:
    """An empty store of the kind under test."""
    if store_kind == "file":
        yield FileStore(tmp_path / "sessions")
        return
    from codesign.storage.postgis import PostgisStore

    with PostgisStore(request.getfixturevalue("postgis_url")) as opened:
        yield opened


@pytest.fixture
def reopen_store(store) -> Iterator[Callable[..., Store]]:
    """Open the store under test again, as another process would (optionally with a clock)."""
    opened: list[Store] = []

    def reopen(now: Callable[[], datetime] | None = None) -> Store:
        again = open_location(store_location(store), now=now)
        opened.append(again)
        return again

    yield reopen
    for again in opened:
        if hasattr(again, "close"):
            again.close()


@pytest.fixture
def square():
    return mapping
