"""Who may do what: the rules of the facilitator's secret and the teams' join tokens.

Tokens and secrets are compared in constant time (:func:`hmac.compare_digest`). Where the
secret is kept (the environment, ``secrets.toml``, the generated file in the sessions folder) is
:mod:`codesign.services.secret`'s business; the rules it follows are here.

>>> from codesign.domain.session import Session, Team
>>> s = Session("s-1", "T", "aksu-city-square", "2026-12-01", "", (Team("team-1", "A", "#4477AA", "tok"),))
>>> team_for_token(s, "tok").id
'team-1'
>>> join_link("http://localhost:8501", "s-1", "tok")
'http://localhost:8501/sketch?s=s-1&t=tok'
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import unicodedata
from collections.abc import Iterable
from urllib.parse import urlencode

from codesign.domain.session import Session, Team
from codesign.errors import AccessDenied, ConfigurationError

__all__ = [
    "MIN_SECRET_LENGTH",
    "configured_secret",
    "facilitator_link",
    "is_reviewer",
    "is_usable_stored_secret",
    "join_code",
    "join_link",
    "new_facilitator_secret",
    "normalise_code",
    "review_link",
    "secret_matches",
    "team_for_code",
    "team_for_token",
]

#: The shortest facilitator secret accepted from the environment or ``secrets.toml``.
MIN_SECRET_LENGTH = 16
#: What the secret file must hold to be used (printable ASCII, no spaces, long enough); else replaced.
_SECRET_IN_FILE = re.compile(rf"[!-~]{{{MIN_SECRET_LENGTH},512}}")


def configured_secret(candidates: Iterable[tuple[str, str | None]]) -> str | None:
    """The first secret set among ``(source, value)`` pairs, stripped; too short is refused, not used.

    >>> configured_secret([("CODESIGN_FACILITATOR_SECRET", "  "), ("secrets.toml", " 0123456789abcdef ")])
    '0123456789abcdef'
    >>> configured_secret([("secrets.toml", None)]) is None
    True

    Parameters
    ----------
    candidates
        ``(source, value)`` in order of precedence; a value that is ``None`` or blank is not set.

    Returns
    -------
    str or None
        The secret, or ``None`` when no source sets one.

    Raises
    ------
    ConfigurationError
        ``error.secret_too_short``, naming the source, for a secret shorter than
        :data:`MIN_SECRET_LENGTH` characters.
    """
    for source, candidate in candidates:
        if candidate and candidate.strip():
            secret = candidate.strip()
            if len(secret) < MIN_SECRET_LENGTH:
                raise ConfigurationError(
                    "error.secret_too_short", source=source, length=len(secret), minimum=MIN_SECRET_LENGTH
                )
            return secret
    return None


def is_usable_stored_secret(text: str) -> bool:
    """Whether a stored secret may be used: 16 to 512 printable ASCII characters, no spaces.

    >>> is_usable_stored_secret("0123456789abcdef"), is_usable_stored_secret(""), is_usable_stored_secret("a b" * 9)
    (True, False, False)

    Parameters
    ----------
    text
        What the secret file holds, stripped.

    Returns
    -------
    bool
        False for an empty or damaged file (to be replaced by a new secret).
    """
    return _SECRET_IN_FILE.fullmatch(text) is not None


def new_facilitator_secret() -> str:
    """A fresh random facilitator secret (18 random bytes, URL-safe: 24 characters).

    >>> len(new_facilitator_secret()), is_usable_stored_secret(new_facilitator_secret())
    (24, True)

    Returns
    -------
    str
        The secret.
    """
    return secrets.token_urlsafe(18)


def secret_matches(given: str | None, secret: str) -> bool:
    """Whether ``given`` is the facilitator's secret (constant-time).

    >>> secret_matches("0123456789abcdef", "0123456789abcdef"), secret_matches(None, "0123456789abcdef")
    (True, False)

    Parameters
    ----------
    given
        What the browser brought (the link's ``key``, or what was typed); ``None`` if nothing.
    secret
        The facilitator's secret.

    Returns
    -------
    bool
        True only for the exact secret.
    """
    return bool(given) and hmac.compare_digest(str(given).encode(), secret.encode())


def team_for_token(session: Session, token: str | None) -> Team:
    """The team whose join token this is; :class:`AccessDenied` otherwise.

    Every team's token is compared, so the time taken does not tell which matched.

    Parameters
    ----------
    session
        The session the link names.
    token
        The link's token (``None`` or empty is refused).

    Returns
    -------
    Team
        The team the token opens.
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

    Parameters
    ----------
    token
        The team's join token.

    Returns
    -------
    str
        Six letters and digits (no 0/O, 1/I), ``XXX-XXX``.
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

    Parameters
    ----------
    typed
        What was typed (only its first 100 characters are looked at).

    Returns
    -------
    bytes
        The letters and digits, upper case.
    """
    folded = unicodedata.normalize("NFKC", typed[:100]).upper().translate(CYRILLIC_LOOK_ALIKES)
    return "".join(ch for ch in folded if ch.isalnum()).encode("utf-8")


def team_for_code(sessions: Iterable[Session], code: str) -> tuple[Session, Team]:
    """The session and team whose join code this is; :class:`AccessDenied` ("wrong code") otherwise.

    Spaces, case, dashes and Cyrillic look-alike letters are ignored (:func:`normalise_code`);
    codes are compared as bytes in constant time, so any text typed is a plain refusal at worst.

    Parameters
    ----------
    sessions
        The sessions to look in.
    code
        The code as typed.

    Returns
    -------
    tuple of (Session, Team)
        The session and the team the code opens.
    """
    wanted = normalise_code(code)
    for session in sessions:
        for team in session.teams:
            if hmac.compare_digest(join_code(team.token).replace("-", "").encode("ascii"), wanted):
                return session, team
    raise AccessDenied()


def is_reviewer(session: Session, token: str | None) -> bool:
    """Whether ``token`` is this session's read-only reviewer token (constant-time).

    Parameters
    ----------
    session
        The session the link names.
    token
        The link's ``r`` token, or ``None``.

    Returns
    -------
    bool
        False when the session has no reviewer token issued.
    """
    return (
        bool(token)
        and bool(session.review_token)
        and hmac.compare_digest(str(token).encode(), session.review_token.encode())
    )


def review_link(base_url: str, session_id: str, token: str) -> str:
    """The read-only link for the architecture department (comparison, consensus, report).

    >>> review_link("http://localhost:8501/", "s-1", "rev")
    'http://localhost:8501/compare?s=s-1&r=rev'

    Parameters
    ----------
    base_url
        The address tablets use to reach the app.
    session_id
        The session's id.
    token
        The session's reviewer token.

    Returns
    -------
    str
        The link.
    """
    return f"{base_url.rstrip('/')}/compare?{urlencode({'s': session_id, 'r': token})}"


def facilitator_link(base_url: str, secret: str) -> str:
    """The link that opens the facilitator's pages.

    >>> facilitator_link("http://localhost:8501", "0123456789abcdef")
    'http://localhost:8501/?key=0123456789abcdef'

    Parameters
    ----------
    base_url
        The address the app is reached at.
    secret
        The facilitator's secret.

    Returns
    -------
    str
        The link.
    """
    return f"{base_url.rstrip('/')}/?{urlencode({'key': secret})}"


def join_link(base_url: str, session_id: str, token: str) -> str:
    """The link that opens one team's sketch page.

    Parameters
    ----------
    base_url
        The address tablets use to reach the app.
    session_id
        The session's id.
    token
        The team's join token.

    Returns
    -------
    str
        The link (see the module's example).
    """
    return f"{base_url.rstrip('/')}/sketch?{urlencode({'s': session_id, 't': token})}"
