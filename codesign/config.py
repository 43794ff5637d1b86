"""Every setting the tool takes from the environment, read in one place.

======================================  ==================================================
variable                                meaning (default)
======================================  ==================================================
``CODESIGN_SESSIONS_DIR``               the file store's sessions folder (``sessions``)
``CODESIGN_DATABASE_URL``               a PostgreSQL/PostGIS URL: use the database instead
``CODESIGN_BASE_URL``                   the address tablets use to reach the app
                                        (``http://localhost:8501``)
``CODESIGN_FACILITATOR_SECRET``         the facilitator's secret (else secrets.toml or a
                                        generated one, see :mod:`codesign.services.secret`)
``CODESIGN_PARKS_DIR``                  the sites folder (``data/parks`` of the checkout)
======================================  ==================================================

Settings are read when asked for (tests and ``python -m codesign run`` change the
environment), never cached at import.

>>> s = Settings.from_env({"CODESIGN_DATABASE_URL": " postgresql://db/x "})
>>> s.database_url, s.uses_database, s.sessions_dir, s.base_url
('postgresql://db/x', True, PosixPath('sessions'), 'http://localhost:8501')
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "BASE_URL_VARIABLE",
    "DATABASE_URL_VARIABLE",
    "DEFAULT_BASE_URL",
    "DEFAULT_PARKS_DIR",
    "DEFAULT_SESSIONS_DIR",
    "PARKS_DIR_VARIABLE",
    "SECRET_VARIABLE",
    "SESSIONS_DIR_VARIABLE",
    "Settings",
    "settings",
]

SESSIONS_DIR_VARIABLE = "CODESIGN_SESSIONS_DIR"
DATABASE_URL_VARIABLE = "CODESIGN_DATABASE_URL"
BASE_URL_VARIABLE = "CODESIGN_BASE_URL"
SECRET_VARIABLE = "CODESIGN_FACILITATOR_SECRET"
PARKS_DIR_VARIABLE = "CODESIGN_PARKS_DIR"

DEFAULT_SESSIONS_DIR = "sessions"
DEFAULT_BASE_URL = "http://localhost:8501"
#: The sites bundled with the checkout.
DEFAULT_PARKS_DIR = Path(__file__).resolve().parent.parent / "data" / "parks"


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
            sessions_dir=Path(value(SESSIONS_DIR_VARIABLE) or DEFAULT_SESSIONS_DIR),
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
