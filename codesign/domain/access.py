"""Who may do what: the facilitator's secret and the teams' join tokens.

Tokens and secrets are compared in constant time (:func:`hmac.compare_digest`).

>>> from codesign.domain.session import Session, Team
>>> s = Session("s-1", "T", "aksu-city-square", "2026-12-01", "", (Team("team-1", "A", "#4477AA", "tok"),))
>>> team_for_token(s, "tok").id
'team-1'
>>> join_link("http://localhost:8501", "s-1", "tok")
'http://localhost:8501/sketch?s=s-1&t=tok'
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import hmac
import os
import re
import secrets
import tomllib
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from urllib.parse import urlencode

from codesign.config import SECRET_VARIABLE
from codesign.domain.session import Session, Team
from codesign.errors import AccessDenied, ConfigurationError
from codesign.storage.files import _write_atomic

__all__ = [
    "MIN_SECRET_LENGTH",
    "default_secrets_files",
    "facilitator_link",
    "facilitator_secret",
    "is_reviewer",
    "join_code",
    "join_link",
    "normalise_code",
    "review_link",
    "secret_from_toml_files",
    "secret_matches",
    "team_for_code",
    "team_for_token",
]

_SECRET_FILE = ".facilitator_secret"
#: The shortest facilitator secret accepted from the environment or ``secrets.toml``.
MIN_SECRET_LENGTH = 16
#: What the secret file must hold to be used (printable ASCII, no spaces, long enough); else replaced.
_SECRET_IN_FILE = re.compile(rf"[!-~]{{{MIN_SECRET_LENGTH},512}}")


def facilitator_secret(
    sessions_dir: str | os.PathLike[str],
    env: Mapping[str, str] | None = None,
    configured: str | None = None,
) -> tuple[str, bool]:
    """The facilitator's secret and whether it was generated just now.

    Order: the ``CODESIGN_FACILITATOR_SECRET`` environment variable, then ``configured``
    (``facilitator_secret`` in ``.streamlit/secrets.toml``), then ``<sessions>/.facilitator_secret``,
    which is created (mode 600) with a fresh random secret on first start. A configured secret
    shorter than :data:`MIN_SECRET_LENGTH` characters raises :class:`ConfigurationError`
    (``error.secret_too_short``) instead of being used.

    The file is written whole or not at all (temp file, fsync, rename), under a lock on the
    sessions folder, so two processes starting at once agree on one secret. A file left empty or
    damaged (a crash before this was so, a zeroed block, a stray edit) is replaced by a new secret.
    """
    env = os.environ if env is None else env
    for source, candidate in ((SECRET_VARIABLE, env.get(SECRET_VARIABLE)), ("secrets.toml", configured)):
        if candidate and candidate.strip():
            secret = candidate.strip()
            if len(secret) < MIN_SECRET_LENGTH:
                raise ConfigurationError(
                    "error.secret_too_short", source=source, length=len(secret), minimum=MIN_SECRET_LENGTH
                )
            return secret, False
    folder = Path(sessions_dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / _SECRET_FILE
    with _folder_locked(folder):
        existing = _read_secret_file(path)
        if existing is not None:
            return existing, False
        secret = secrets.token_urlsafe(18)
        _write_atomic(path, (secret + "\n").encode("ascii"))  # mkstemp makes it mode 600
    return secret, True


@contextlib.contextmanager
def _folder_locked(folder: Path) -> Iterator[None]:
    """An exclusive lock on a folder (flock on its descriptor), for read-or-create of a file in it."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def _read_secret_file(path: Path) -> str | None:
    """The secret in the file, or None when there is no file or it does not hold a usable secret."""
    try:
        text = path.read_bytes().decode("ascii").strip()
    except FileNotFoundError:
        return None
    except UnicodeDecodeError:
        return None  # garbage: replaced
    return text if _SECRET_IN_FILE.fullmatch(text) else None


def secret_from_toml_files(paths: Iterable[str | os.PathLike[str]]) -> str | None:
    """``facilitator_secret`` from Streamlit's ``secrets.toml`` files, the last file that sets it winning.

    Streamlit reads ``~/.streamlit/secrets.toml`` then ``./.streamlit/secrets.toml``
    (see :func:`default_secrets_files`); the command line reads the same files, so the link it
    prints opens the app it starts. A file that is not valid TOML raises
    :class:`ConfigurationError` (``error.secrets_toml``).
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
    """Where Streamlit looks for ``secrets.toml``: the home folder's, then the working folder's."""
    return [Path.home() / ".streamlit" / "secrets.toml", Path(cwd or os.getcwd()) / ".streamlit" / "secrets.toml"]


def secret_matches(given: str | None, secret: str) -> bool:
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


#: Cyrillic capitals that look like Latin letters of a join code, as a Russian or Kazakh keyboard
#: types them (А В С Е К М Н О Р Т Х); lower-case letters are upper-cased first.
CYRILLIC_LOOK_ALIKES = str.maketrans("АВСЕКМНОРТХ", "ABCEKMHOPTX")


def normalise_code(typed: str) -> bytes:
    """A typed join code as the ASCII bytes it was meant to be; anything else is left to fail.

    Full-width and other compatibility forms are folded (NFKC), case is ignored, Cyrillic
    look-alikes become their Latin letters, and spaces, dashes and other non-letters are dropped.

    >>> normalise_code("аск - есх")  # Cyrillic, as typed on a Russian keyboard
    b'ACKECX'
    >>> normalise_code("ＡＣＫ－ＥＣＸ"), normalise_code("🙂")
    (b'ACKECX', b'')
    """
    folded = unicodedata.normalize("NFKC", typed[:100]).upper().translate(CYRILLIC_LOOK_ALIKES)
    return "".join(ch for ch in folded if ch.isalnum()).encode("utf-8")


def team_for_code(sessions: Iterable[Session], code: str) -> tuple[Session, Team]:
    """The session and team whose join code this is; :class:`AccessDenied` ("wrong code") otherwise.

    Spaces, case, dashes and Cyrillic look-alike letters are ignored (:func:`normalise_code`);
    codes are compared as bytes in constant time, so any text typed is a plain refusal at worst.
    """
    wanted = normalise_code(code)
    for session in sessions:
        for team in session.teams:
            if hmac.compare_digest(join_code(team.token).replace("-", "").encode("ascii"), wanted):
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
