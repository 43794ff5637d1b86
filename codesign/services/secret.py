"""Where the facilitator's secret comes from: the environment, ``secrets.toml``, or the sessions folder.

The app and the command line ask :func:`facilitator_secret` and so agree on one secret, in this
order: ``CODESIGN_FACILITATOR_SECRET``, then ``facilitator_secret`` in Streamlit's
``secrets.toml`` (:func:`secret_from_toml_files`), then the file the app generates in the
sessions folder on first start (:func:`codesign.storage.files.stored_secret`). The rules (how
long, what a usable file holds) are :mod:`codesign.domain.access`'s.

>>> import tempfile
>>> facilitator_secret(tempfile.mkdtemp(), env={"CODESIGN_FACILITATOR_SECRET": " 0123456789abcdef "})
('0123456789abcdef', False)
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path

from codesign.config import SECRET_VARIABLE, Settings
from codesign.domain.access import configured_secret
from codesign.errors import ConfigurationError
from codesign.storage.secret_file import stored_secret

__all__ = ["default_secrets_files", "facilitator_secret", "secret_from_toml_files"]


def facilitator_secret(
    sessions_dir: str | os.PathLike[str],
    env: Mapping[str, str] | None = None,
    configured: str | None = None,
) -> tuple[str, bool]:
    """The facilitator's secret and whether it was generated just now.

    Order: the ``CODESIGN_FACILITATOR_SECRET`` environment variable, then ``configured``
    (``facilitator_secret`` in ``.streamlit/secrets.toml``), then ``<sessions>/.facilitator_secret``,
    which is created (mode 600) with a fresh random secret on first start
    (:func:`~codesign.storage.files.stored_secret`: written whole, under a lock, a damaged
    file replaced). A configured secret shorter than
    :data:`~codesign.domain.access.MIN_SECRET_LENGTH` characters raises
    :class:`~codesign.errors.ConfigurationError` (``error.secret_too_short``) instead of being used.

    Parameters
    ----------
    sessions_dir
        The sessions folder, where a generated secret is kept.
    env
        The environment to read (default: the process's own).
    configured
        ``facilitator_secret`` from ``secrets.toml``, or ``None``.

    Returns
    -------
    tuple of (str, bool)
        The secret, and whether it was generated just now.
    """
    from_env = Settings.from_env(env).facilitator_secret
    chosen = configured_secret(((SECRET_VARIABLE, from_env), ("secrets.toml", configured)))
    if chosen is not None:
        return chosen, False
    return stored_secret(sessions_dir)


def secret_from_toml_files(paths: Iterable[str | os.PathLike[str]]) -> str | None:
    """``facilitator_secret`` from Streamlit's ``secrets.toml`` files, the last file that sets it winning.

    Streamlit reads ``~/.streamlit/secrets.toml`` then ``./.streamlit/secrets.toml``
    (see :func:`default_secrets_files`); the command line reads the same files, so the link it
    prints opens the app it starts.

    Parameters
    ----------
    paths
        The files, in the order Streamlit reads them; missing ones are skipped.

    Returns
    -------
    str or None
        The secret, or ``None`` when no file sets it.

    Raises
    ------
    ConfigurationError
        ``error.secrets_toml`` for a file that is not valid TOML or cannot be read.
    """
    found = None
    for path in paths:
        try:
            with open(path, "rb") as handle:
                data = tomllib.load(handle)
        except FileNotFoundError:
            continue
        except (OSError, tomllib.TOMLDecodeError) as err:
            raise ConfigurationError("error.secrets_toml", file=str(path), reason=str(err)) from None
        value = data.get("facilitator_secret")
        if value is not None:
            found = str(value)
    return found


def default_secrets_files(cwd: str | os.PathLike[str] | None = None) -> list[Path]:
    """Where Streamlit looks for ``secrets.toml``: the home folder's, then the working folder's.

    Parameters
    ----------
    cwd
        The working folder (default: the process's).

    Returns
    -------
    list of Path
        ``~/.streamlit/secrets.toml`` and ``<cwd>/.streamlit/secrets.toml``.
    """
    return [Path.home() / ".streamlit" / "secrets.toml", Path(cwd or os.getcwd()) / ".streamlit" / "secrets.toml"]
