"""Who may do what: the facilitator's secret and the teams' join tokens.

Tokens and secrets are compared in constant time (:func:`hmac.compare_digest`).

>>> from codesign.store import Session, Team
>>> s = Session("s-1", "T", "aksu-city-square", "2026-12-01", "", (Team("team-1", "A", "#4477AA", "tok"),))
>>> team_for_token(s, "tok").id
'team-1'
>>> join_link("http://localhost:8501", "s-1", "tok")
'http://localhost:8501/sketch?s=s-1&t=tok'
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Iterable, Mapping
from pathlib import Path
from urllib.parse import urlencode

from codesign.errors import AccessDenied
from codesign.store import Session, Team

__all__ = [
    "DEFAULT_BASE_URL",
    "SECRET_ENV",
    "facilitator_link",
    "facilitator_secret",
    "is_facilitator",
    "is_reviewer",
    "join_code",
    "join_link",
    "review_link",
    "team_for_code",
    "team_for_token",
]

SECRET_ENV = "CODESIGN_FACILITATOR_SECRET"
DEFAULT_BASE_URL = "http://localhost:8501"
_SECRET_FILE = ".facilitator_secret"


def facilitator_secret(
    sessions_dir: str | os.PathLike[str],
    env: Mapping[str, str] | None = None,
    configured: str | None = None,
) -> tuple[str, bool]:
    """The facilitator's secret and whether it was generated just now.

    Order: the ``CODESIGN_FACILITATOR_SECRET`` environment variable, then ``configured``
    (``.streamlit/secrets.toml``), then ``<sessions>/.facilitator_secret``, which is
    created (mode 600) with a fresh random secret on first start.
    """
    env = os.environ if env is None else env
    for candidate in (env.get(SECRET_ENV), configured):
        if candidate and candidate.strip():
            return candidate.strip(), False
    path = Path(sessions_dir) / _SECRET_FILE
    try:
        existing = path.read_text(encoding="utf-8").strip()
        if existing:
            return existing, False
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(18)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(secret + "\n")
    return secret, True


def is_facilitator(given: str | None, secret: str) -> bool:
    """Whether ``given`` is the facilitator's secret (constant-time)."""
    return bool(given) and hmac.compare_digest(str(given).encode(), secret.encode())


def team_for_token(session: Session, token: str | None) -> Team:
    """The team whose join token this is; :class:`AccessDenied` otherwise.

    Every team's token is compared, so the time taken does not tell which matched.
    """
    found = None
    given = (token or "").encode()
    for team in session.teams:
        if hmac.compare_digest(given, team.token.encode()):
            found = team
    if found is None or not token:
        raise AccessDenied()
    return found


_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: easy to read aloud and type


def join_code(token: str) -> str:
    """A short code for a team's token, to type on a tablet instead of scanning the QR code.

    >>> join_code("tok")
    '4YW-MQH'
    """
    digest = hashlib.sha256(token.encode()).digest()
    letters = "".join(_CODE_ALPHABET[b % len(_CODE_ALPHABET)] for b in digest[:6])
    return f"{letters[:3]}-{letters[3:]}"


def team_for_code(sessions: Iterable[Session], code: str) -> tuple[Session, Team]:
    """The session and team whose join code this is (spaces, case and dashes ignored)."""
    wanted = "".join(ch for ch in code.upper() if ch.isalnum())
    for session in sessions:
        for team in session.teams:
            if hmac.compare_digest(join_code(team.token).replace("-", ""), wanted):
                return session, team
    raise AccessDenied()


def is_reviewer(session: Session, token: str | None) -> bool:
    """Whether ``token`` is this session's read-only reviewer token (constant-time)."""
    return (
        bool(token)
        and bool(session.review_token)
        and hmac.compare_digest(str(token).encode(), session.review_token.encode())
    )


def review_link(base_url: str, session_id: str, token: str) -> str:
    """The read-only link for the architecture department (comparison, consensus, report)."""
    return f"{base_url.rstrip('/')}/compare?{urlencode({'s': session_id, 'r': token})}"


def facilitator_link(base_url: str, secret: str) -> str:
    """The link that opens the facilitator's pages."""
    return f"{base_url.rstrip('/')}/?{urlencode({'key': secret})}"


def join_link(base_url: str, session_id: str, token: str) -> str:
    """The link that opens one team's sketch page."""
    return f"{base_url.rstrip('/')}/sketch?{urlencode({'s': session_id, 't': token})}"
