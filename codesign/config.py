"""Every setting the tool takes from the environment, read in one place.

======================================  ==================================================
variable                                meaning (default)
======================================  ==================================================
``CODESIGN_SESSIONS_DIR``               the file store's sessions folder (``sessions`` in a
                                        clone; the user's data folder when installed, see
                                        :func:`default_sessions_dir`)
``CODESIGN_DATABASE_URL``               a PostgreSQL/PostGIS URL: use the database instead
``CODESIGN_BASE_URL``                   the address tablets use to reach the app
                                        (``http://localhost:8501``)
``CODESIGN_FACILITATOR_SECRET``         the facilitator's secret (else secrets.toml or a
                                        generated one, see :mod:`codesign.services.secret`)
``CODESIGN_PARKS_DIR``                  the sites folder (``data/parks`` of the checkout,
                                        or the copy installed in the package)
======================================  ==================================================

Where the tool's own files are: run from a clone, beside the package (``workshop_app.py``,
``app_pages/``, ``static/``, ``data/parks``); installed from the wheel (``pip install .``,
``pipx install .``), inside it: ``codesign/webapp/`` holds the app, its pages, its static files
and its ``.streamlit/config.toml``, and ``codesign/data/parks`` the sites (``pyproject.toml``
maps them there). :data:`APP_DIR` and :data:`DEFAULT_PARKS_DIR` are whichever exists.

Settings are read when asked for (tests and ``python -m codesign run`` change the
environment), never cached at import.

>>> s = Settings.from_env({"CODESIGN_DATABASE_URL": " postgresql://db/x "})
>>> s.database_url, s.uses_database, s.sessions_dir, s.base_url
('postgresql://db/x', True, PosixPath('sessions'), 'http://localhost:8501')
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "APP_DIR",
    "DATA_DIR",
    "BASE_URL_VARIABLE",
    "DATABASE_URL_VARIABLE",
    "DEFAULT_BASE_URL",
    "DEFAULT_PARKS_DIR",
    "DEFAULT_SESSIONS_DIR",
    "INSTALLED",
    "PARKS_DIR_VARIABLE",
    "SECRET_VARIABLE",
    "SESSIONS_DIR_VARIABLE",
    "Settings",
    "default_sessions_dir",
    "settings",
    "user_data_dir",
]

SESSIONS_DIR_VARIABLE = "CODESIGN_SESSIONS_DIR"
DATABASE_URL_VARIABLE = "CODESIGN_DATABASE_URL"
BASE_URL_VARIABLE = "CODESIGN_BASE_URL"
SECRET_VARIABLE = "CODESIGN_FACILITATOR_SECRET"
PARKS_DIR_VARIABLE = "CODESIGN_PARKS_DIR"

DEFAULT_SESSIONS_DIR = "sessions"
DEFAULT_BASE_URL = "http://localhost:8501"

_PACKAGE = Path(__file__).resolve().parent
#: Whether the package was installed from the wheel (its app and sites inside it), not run from a clone.
INSTALLED = (_PACKAGE / "webapp" / "workshop_app.py").is_file()
#: The folder of ``workshop_app.py``, ``app_pages/``, ``static/`` and ``.streamlit/config.toml``.
APP_DIR = _PACKAGE / "webapp" if INSTALLED else _PACKAGE.parent
#: The bundled data (sites, rule packs, price lists): inside the installed package, or ``data/`` of the clone.
DATA_DIR = _PACKAGE / "data" if INSTALLED else _PACKAGE.parent / "data"
#: The bundled sites.
DEFAULT_PARKS_DIR = DATA_DIR / "parks"


def user_data_dir(env: Mapping[str, str] | None = None, platform: str = sys.platform) -> Path:
    """The user's data folder for this tool (the XDG rule on Linux, the usual places elsewhere).

    Parameters
    ----------
    env
        The environment to read (``XDG_DATA_HOME``, ``APPDATA``, ``HOME``); ``None`` for the process's own.
    platform
        ``sys.platform`` of the machine.

    Returns
    -------
    Path
        ``$XDG_DATA_HOME/codesign`` (default ``~/.local/share/codesign``), ``~/Library/Application
        Support/codesign`` on macOS, ``%LOCALAPPDATA%/codesign`` on Windows.

    Examples
    --------
    >>> user_data_dir({"HOME": "/home/aigerim"}, "linux")
    PosixPath('/home/aigerim/.local/share/codesign')
    >>> user_data_dir({"HOME": "/home/aigerim", "XDG_DATA_HOME": "/data"}, "linux")
    PosixPath('/data/codesign')
    """
    env = os.environ if env is None else env
    home = Path(env.get("HOME") or Path.home())
    if platform == "darwin":
        return home / "Library" / "Application Support" / "codesign"
    if platform.startswith("win"):
        return Path(env.get("LOCALAPPDATA") or env.get("APPDATA") or home) / "codesign"
    xdg = (env.get("XDG_DATA_HOME") or "").strip()
    return (Path(xdg) if xdg and Path(xdg).is_absolute() else home / ".local" / "share") / "codesign"


def default_sessions_dir(env: Mapping[str, str] | None = None, installed: bool = INSTALLED) -> Path:
    """Where the sessions live when ``CODESIGN_SESSIONS_DIR`` does not say.

    Parameters
    ----------
    env
        The environment (see :func:`user_data_dir`); ``None`` for the process's own.
    installed
        Whether the tool runs from an installed wheel rather than a clone.

    Returns
    -------
    Path
        ``sessions`` (in the current folder, as ``make run`` always had it) from a clone; the user's
        data folder's ``sessions`` when installed, so ``codesign run`` works from any folder.

    Examples
    --------
    >>> default_sessions_dir({"HOME": "/home/aigerim"}, installed=False)
    PosixPath('sessions')
    >>> default_sessions_dir({"HOME": "/home/aigerim"}, installed=True)
    PosixPath('/home/aigerim/.local/share/codesign/sessions')
    """
    return user_data_dir(env) / DEFAULT_SESSIONS_DIR if installed else Path(DEFAULT_SESSIONS_DIR)


@dataclass(frozen=True)
class Settings:
    """The tool's settings, as the environment gives them (see the module's table)."""

    sessions_dir: Path
    database_url: str
    base_url: str
    facilitator_secret: str | None
    parks_dir: Path

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read the settings from ``env`` (``os.environ`` by default).

        Parameters
        ----------
        env
            The environment to read; ``None`` for the process's own.

        Returns
        -------
        Settings
            Blank values count as unset.
        """
        env = os.environ if env is None else env

        def value(name: str) -> str:
            return (env.get(name) or "").strip()

        return cls(
            sessions_dir=Path(value(SESSIONS_DIR_VARIABLE) or default_sessions_dir(env)),
            database_url=value(DATABASE_URL_VARIABLE),
            base_url=value(BASE_URL_VARIABLE) or DEFAULT_BASE_URL,
            facilitator_secret=value(SECRET_VARIABLE) or None,
            parks_dir=Path(value(PARKS_DIR_VARIABLE) or DEFAULT_PARKS_DIR),
        )

    @property
    def uses_database(self) -> bool:
        """Whether the sessions live in a PostGIS database rather than the sessions folder.

        Returns
        -------
        bool
            True when a database URL is set.
        """
        return bool(self.database_url)


def settings() -> Settings:
    """The settings of this process now (read from ``os.environ`` on every call).

    Returns
    -------
    Settings
        See :class:`Settings`.
    """
    return Settings.from_env()
