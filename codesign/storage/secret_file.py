"""The facilitator's generated secret, kept in the sessions folder (``sessions/.facilitator_secret``).

Used when neither the environment nor ``secrets.toml`` sets a secret
(:func:`codesign.services.secret.facilitator_secret`); the rules of a usable secret are
:mod:`codesign.domain.access`'s.

>>> import tempfile
>>> folder = tempfile.mkdtemp()
>>> secret, created = stored_secret(folder)
>>> created, stored_secret(folder) == (secret, False)
(True, True)
"""

from __future__ import annotations

import os
from pathlib import Path

from codesign.domain.access import is_usable_stored_secret, new_facilitator_secret
from codesign.storage.disk import folder_locked, write_atomic

__all__ = ["SECRET_FILE", "stored_secret"]

#: The file's name in the sessions folder.
SECRET_FILE = ".facilitator_secret"


def stored_secret(sessions_dir: str | os.PathLike[str]) -> tuple[str, bool]:
    """The facilitator's secret kept in ``<sessions>/.facilitator_secret``, created on first use.

    The file is created (mode 600) with a fresh random secret
    (:func:`~codesign.domain.access.new_facilitator_secret`), written whole or not at all (temp
    file, fsync, rename), under a lock on the sessions folder, so two processes starting at once
    agree on one secret. A file left empty or damaged (a crash, a zeroed block, a stray edit: not
    :func:`~codesign.domain.access.is_usable_stored_secret`) is replaced by a new secret.

    Parameters
    ----------
    sessions_dir
        The sessions folder (made if missing).

    Returns
    -------
    tuple of (str, bool)
        The secret, and whether it was created just now.
    """
    folder = Path(sessions_dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / SECRET_FILE
    with folder_locked(folder):
        existing = _read_secret_file(path)
        if existing is not None:
            return existing, False
        secret = new_facilitator_secret()
        write_atomic(path, (secret + "\n").encode("ascii"))  # mkstemp makes it mode 600
    return secret, True


def _read_secret_file(path: Path) -> str | None:
    """The secret in the file, or None when there is no file or it does not hold a usable secret."""
    try:
        text = path.read_bytes().decode("ascii").strip()
    except FileNotFoundError:
        return None
    except UnicodeDecodeError:
        return None  # garbage: replaced
    return text if is_usable_stored_secret(text) else None
