"""How the file store writes, so that a crash never leaves half a file: atomic writes and locks.

Every file is written through :func:`write_atomic` (temp file, fsync, ``os.replace``, fsync of
the folder): a reader sees the old file or the whole new one. A concept version is one file,
``v000001.geojson`` (:func:`version_file_name`), written by :func:`write_version`. Temporary
files left by a process killed while writing start with :data:`TEMP_PREFIX` and are removed by
the next writer (:func:`remove_temp_files`).

>>> import tempfile
>>> from pathlib import Path
>>> path = Path(tempfile.mkdtemp()) / "session.json"
>>> write_atomic(path, b"{}")
>>> path.read_bytes(), oct(path.stat().st_mode & 0o777)
(b'{}', '0o600')
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from codesign.domain.concept import Concept, concept_from_geojson, concept_to_geojson
from codesign.storage.base import compact_json, os_errors_as_store_errors

__all__ = [
    "TEMP_PREFIX",
    "folder_locked",
    "fsync_dir",
    "remove_temp_files",
    "version_file_name",
    "write_atomic",
    "write_version",
]

#: Prefix of the temporary files written before ``os.replace``.
TEMP_PREFIX = ".tmp-"


def fsync_dir(path: Path) -> None:
    """Flush a folder's entries to disk (after a rename or a new file in it).

    Parameters
    ----------
    path
        The folder.
    """
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so readers see the old file or the whole new one.

    A temporary file beside it (mode 600) is written and synced, renamed over ``path``, and the
    folder synced; on any error the temporary file is removed and the error raised.

    Parameters
    ----------
    path
        The file to write (its folder must exist).
    data
        The whole new content.
    """
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=TEMP_PREFIX, suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
        fsync_dir(path.parent)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def remove_temp_files(folder: Path) -> None:
    """Remove temporary files of writes that never finished (call with the folder's writers' lock held).

    Parameters
    ----------
    folder
        The folder to clean; a missing or unreadable one is left as it is.
    """
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            if entry.name.startswith(TEMP_PREFIX) and entry.is_file(follow_symlinks=False):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


@contextlib.contextmanager
def folder_locked(folder: Path) -> Iterator[None]:
    """An exclusive lock on a folder (flock on its descriptor), for read-or-create of a file in it.

    Parameters
    ----------
    folder
        The folder to lock (it must exist).

    Yields
    ------
    None
        The lock is held inside the ``with`` block.
    """
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def version_file_name(number: int) -> str:
    """The name of a version's file in its owner's folder.

    >>> version_file_name(12)
    'v000012.geojson'

    Parameters
    ----------
    number
        The version's number.

    Returns
    -------
    str
        ``v`` and six digits, ``.geojson``.
    """
    return f"v{number:06d}.geojson"


def write_version(owner_dir: Path, concept: Concept) -> Path:
    """Write one version file (docs/concept-format.md), numbered by ``concept.version``, atomically.

    What would not read back is never written (:class:`~codesign.errors.InvalidConceptError`);
    a disk error raises :class:`~codesign.errors.StoreError`. Call with the session's lock
    held, or in a folder no one else uses.

    Parameters
    ----------
    owner_dir
        The owner's folder, ``<session>/concepts/<owner>`` (made if missing).
    concept
        The version to write, its number and save time set.

    Returns
    -------
    Path
        The file written.
    """
    data = compact_json(concept_to_geojson(concept)).encode("utf-8")
    concept_from_geojson(json.loads(data))  # never store what cannot be read back
    path = owner_dir / version_file_name(concept.version)
    with os_errors_as_store_errors():
        owner_dir.mkdir(parents=True, exist_ok=True)
        write_atomic(path, data)
    return path
