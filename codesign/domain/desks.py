"""Desk tokens: a desk (the facilitator's laptop, a reviewer's browser) stays signed in across a reload.

When the facilitator signs in (the secret typed, or the ``?key=`` link) or a reviewer opens the
review link, the browser gets a *desk token*: 256 random bits kept in a cookie of that browser,
never shown and never in the address bar. A reload, a browser restart or a laptop waking up
brings the cookie back, and the desk is restored from it without the secret.

The store keeps only what cannot be used to sign in (:class:`DeskGrant`):

- the token's SHA-256 (``digest``): what the store looks the cookie up by;
- a *binding*, HMAC-SHA256 keyed by the token over what granted the desk (the facilitator's
  secret, or the session's review token). A desk is valid only while that grant is still the
  one in force: changing the secret, or reissuing the review link, drops every desk it opened.
  Without the token the binding cannot be checked, so a copy of the store tells nobody the
  secret or the review token either;
- who it is for (``facilitator`` or ``reviewer`` of one session), when it was issued and when it
  expires: at :data:`DAY_ENDS_AT_HOUR` o'clock the next morning, in the browser's time zone.

>>> from datetime import datetime, UTC
>>> now = datetime(2026, 12, 3, 9, 30, tzinfo=UTC)
>>> token, grant = issue_desk("facilitator", "0123456789abcdef", now=now, utc_offset_minutes=300)
>>> len(token), grant.expires_at
(43, '2026-12-03T23:00:00+00:00')
>>> desk_is_valid(grant, token, "0123456789abcdef", now=now), desk_is_valid(grant, token, "another-secret!!", now=now)
(True, False)
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Literal

__all__ = [
    "DAY_ENDS_AT_HOUR",
    "DESK_COOKIE",
    "DeskGrant",
    "DeskRole",
    "desk_expiry",
    "desk_is_valid",
    "issue_desk",
    "token_digest",
]

#: The cookie that carries a desk token (no secret in it, nothing else).
DESK_COOKIE = "tq_desk"
#: A desk token expires at this hour of the morning after the day it was issued (local time).
DAY_ENDS_AT_HOUR = 4
#: The most hours a desk stays signed in, whatever the clock says.
MAX_HOURS = 24

DeskRole = Literal["facilitator", "reviewer"]


@dataclass(frozen=True)
class DeskGrant:
    """What the store keeps of one desk token (never the token itself)."""

    digest: str  # SHA-256 of the token, hex
    binding: str  # HMAC-SHA256(token, what granted it), hex
    role: DeskRole
    session_id: str  # the reviewed session; "" for the facilitator
    issued_at: str  # ISO 8601, UTC
    expires_at: str  # ISO 8601, UTC


def token_digest(token: str) -> str:
    """The SHA-256 of a desk token: how the store finds its grant.

    >>> token_digest("abc")[:12]
    'ba7816bf8f01'

    Parameters
    ----------
    token
        The desk token from the browser's cookie.

    Returns
    -------
    str
        64 hex digits.
    """
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _binding(token: str, granted_by: str) -> str:
    return hmac.new(token.encode("utf-8"), granted_by.encode("utf-8"), hashlib.sha256).hexdigest()


def desk_expiry(now: datetime, utc_offset_minutes: int | None = None) -> datetime:
    """When a desk token issued ``now`` expires: :data:`DAY_ENDS_AT_HOUR` o'clock the next morning.

    The day is the browser's (its offset from UTC; the server's UTC if unknown). A token issued
    after midnight but before that hour expires the same morning.

    >>> from datetime import datetime, UTC
    >>> desk_expiry(datetime(2026, 12, 3, 9, 0, tzinfo=UTC), 300).isoformat()  # Aksu, UTC+5
    '2026-12-03T23:00:00+00:00'
    >>> desk_expiry(datetime(2026, 12, 3, 21, 30, tzinfo=UTC), 300).isoformat()  # 02:30 in Aksu
    '2026-12-03T23:00:00+00:00'

    Parameters
    ----------
    now
        The time of issue (aware).
    utc_offset_minutes
        The browser's offset from UTC in minutes (Aksu: 300), or ``None``.

    Returns
    -------
    datetime
        The expiry, in UTC.
    """
    offset = timezone(timedelta(minutes=utc_offset_minutes or 0))
    local = now.astimezone(offset)
    end = local.replace(hour=DAY_ENDS_AT_HOUR, minute=0, second=0, microsecond=0)
    if end <= local:
        end += timedelta(days=1)
    return min(end, local + timedelta(hours=MAX_HOURS)).astimezone(UTC)


def issue_desk(
    role: DeskRole,
    granted_by: str,
    *,
    now: datetime,
    utc_offset_minutes: int | None = None,
    session_id: str = "",
) -> tuple[str, DeskGrant]:
    """A new desk token and the grant the store keeps of it.

    Parameters
    ----------
    role
        ``facilitator`` or ``reviewer``.
    granted_by
        The facilitator's secret, or the session's review token: what the browser showed.
    now
        The time of issue (aware).
    utc_offset_minutes
        The browser's offset from UTC, for the end of its day.
    session_id
        The reviewed session (reviewers only).

    Returns
    -------
    tuple of (str, DeskGrant)
        The token (for the browser's cookie only) and its grant (for the store).
    """
    token = secrets.token_urlsafe(32)
    grant = DeskGrant(
        digest=token_digest(token),
        binding=_binding(token, granted_by),
        role=role,
        session_id=session_id,
        issued_at=now.astimezone(UTC).isoformat(timespec="seconds"),
        expires_at=desk_expiry(now, utc_offset_minutes).isoformat(timespec="seconds"),
    )
    return token, grant


def desk_is_valid(grant: DeskGrant | None, token: str, granted_by: str, *, now: datetime) -> bool:
    """Whether a desk token still opens its desk: its grant found, not expired, its grant still in force.

    Parameters
    ----------
    grant
        The grant the store found by the token's digest (``None``: signed out, or never issued).
    token
        The token from the browser.
    granted_by
        What grants the desk now: the facilitator's secret, or the session's current review token.
    now
        The time to judge at (aware).

    Returns
    -------
    bool
        False after expiry, after a sign-out, after the secret changed or the review link was reissued.
    """
    if grant is None or not token or not granted_by:
        return False
    if not hmac.compare_digest(grant.digest, token_digest(token)):
        return False
    if now >= datetime.fromisoformat(grant.expires_at):
        return False
    return hmac.compare_digest(grant.binding, _binding(token, granted_by))
