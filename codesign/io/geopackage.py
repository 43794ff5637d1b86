"""A GeoPackage checked with Python's own SQLite, read-only, before GDAL opens it.

A GeoPackage is an SQLite database, so it can hold more than tables: virtual tables served
by a module (GDAL's VirtualOGR reads any file GDAL can open), and views, which run SQL each
time they are read (a view that cross-joins a 1000-row table with itself three times is a
billion rows in a 200 KB file). :func:`check_geopackage` refuses, before GDAL:

- a file that is not a GeoPackage (the SQLite header and the application id ``GPKG``,
  ``GP10`` or ``GP11`` at offset 68): GDAL would otherwise open it with another driver;
- a virtual table other than the R-tree spatial index, anywhere in the schema;
- a layer (table or view) that Python's SQLite cannot read on its own (a VirtualOGR table,
  an attached database, ``load_extension()``, GDAL-only SQL functions), or that costs more
  than a fixed budget of SQLite instructions to count, or that has more features than the
  limit (counted with ``LIMIT``, so never more than one past the limit is produced).

The connection cannot attach databases, load extensions, write or run pragmas, and is
interrupted by a progress handler once the budget is spent.

>>> check_geopackage(Path("tests/data/generated/aksu_plan.gpkg"))
3
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from codesign.errors import ImportFormatError
from codesign.io.model import DEFAULT_LIMITS, ImportLimits

__all__ = ["STEP_BUDGET", "check_geopackage"]

_SQLITE_HEADER = b"SQLite format 3\x00"
_APPLICATION_IDS = (b"GPKG", b"GP10", b"GP11")
#: SQLite virtual-machine instructions allowed for counting every layer (about a second's work).
STEP_BUDGET = 100_000_000
_STEPS_PER_CALL = 10_000
_VIRTUAL = re.compile(r"^\s*CREATE\s+VIRTUAL\s+TABLE\s+.*?\bUSING\s+(\w+)", re.IGNORECASE | re.DOTALL)
#: Authorizer actions a read of the schema and the layers needs (SELECT, reading, functions).
_ALLOWED_ACTIONS = frozenset({sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION})
_DENIED_FUNCTIONS = frozenset({"load_extension"})


class _OverBudget(Exception):
    pass


def _authorize(action: int, arg1: str | None, arg2: str | None, _db: str | None, _source: str | None) -> int:
    if action not in _ALLOWED_ACTIONS:
        return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_FUNCTION and (arg2 or "").lower() in _DENIED_FUNCTIONS:
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def check_geopackage(path: Path, limits: ImportLimits = DEFAULT_LIMITS) -> int:
    """Check the GeoPackage at ``path`` before GDAL opens it.

    Parameters
    ----------
    path
        The GeoPackage file.
    limits
        ``max_features`` bounds the features of all layers together.

    Returns
    -------
    int
        How many features its feature layers hold.

    Raises
    ------
    ImportFormatError
        ``import.not_geopackage``, ``import.gpkg_damaged``, ``import.gpkg_unsafe`` (with the
        table or view name), ``import.gpkg_too_costly`` or ``import.over_feature_limit``.
    """
    with open(path, "rb") as file:
        header = file.read(100)
    if not header.startswith(_SQLITE_HEADER) or header[68:72] not in _APPLICATION_IDS:
        raise ImportFormatError("import.not_geopackage")
    steps = 0

    def progress() -> int:
        nonlocal steps
        steps += _STEPS_PER_CALL
        return 1 if steps > STEP_BUDGET else 0

    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True, isolation_level=None)
    try:
        connection.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
        connection.set_authorizer(_authorize)
        connection.set_progress_handler(progress, _STEPS_PER_CALL)
        try:
            schema = connection.execute("SELECT type, name, sql FROM sqlite_master").fetchall()
        except sqlite3.DatabaseError:
            raise ImportFormatError("import.gpkg_damaged") from None
        kinds = {name: kind for kind, name, _ in schema}
        for kind, name, sql in schema:
            module = _VIRTUAL.match(sql or "")
            if kind == "table" and module and module.group(1).lower() != "rtree":
                raise ImportFormatError("import.gpkg_unsafe", name=str(name)[:60])
        if kinds.get("gpkg_contents") != "table":
            raise ImportFormatError("import.not_geopackage")
        try:
            layers = connection.execute("SELECT table_name, data_type FROM gpkg_contents").fetchall()
        except sqlite3.DatabaseError:
            raise ImportFormatError("import.gpkg_damaged") from None
        total = 0
        for name, data_type in layers:
            if data_type not in ("features", "attributes") or str(name) not in kinds:
                continue  # tiles and dangling entries: GDAL opens no vector layer for them
            room = limits.max_features - total
            query = f"SELECT COUNT(*) FROM (SELECT 1 FROM {_quoted(str(name))} LIMIT ?)"
            try:
                count = connection.execute(query, (room + 1,)).fetchone()[0]
            except sqlite3.OperationalError as err:
                if steps > STEP_BUDGET:
                    raise ImportFormatError("import.gpkg_too_costly", name=str(name)[:60]) from None
                if "interrupted" in str(err):
                    raise
                raise ImportFormatError("import.gpkg_unsafe", name=str(name)[:60]) from None
            except sqlite3.DatabaseError:
                raise ImportFormatError("import.gpkg_unsafe", name=str(name)[:60]) from None
            if data_type == "features":
                total += count
                if total > limits.max_features:
                    raise ImportFormatError("import.over_feature_limit", limit=limits.max_features)
        return total
    finally:
        connection.close()
