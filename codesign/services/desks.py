"""Signed-in desks with a store: issue a desk token, restore a desk from one, sign desks out.

The rules (what the store keeps, when a token expires, what it is bound to) are
:mod:`codesign.domain.desks`; this module adds the store. A facilitator's desk is bound to the
facilitator's secret, a reviewer's to the session's review token: each is checked on every
call, so a changed secret or a reissued review link drops the desks it opened.

>>> import tempfile
>>> from datetime import UTC, datetime
>>> from codesign.storage.files import FileStore
>>> store = FileStore(tempfile.mkdtemp())
>>> now = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
>>> token = sign_in_desk(store, "facilitator", "0123456789abcdef", now=now)
>>> desk_for_token(store, token, secret="0123456789abcdef", now=now).role
'facilitator'
>>> sign_out_every_desk(store), desk_for_token(store, token, secret="0123456789abcdef", now=now)
(1, None)
"""

from __future__ import annotations

from datetime import datetime

from codesign.domain.desks import DeskGrant, DeskRole, desk_is_valid, issue_desk, token_digest
from codesign.errors import CodesignError
from codesign.storage.base import Store

__all__ = ["desk_for_token", "sign_in_desk", "sign_out_desk", "sign_out_every_desk"]

#: The longest cookie value looked up (a desk token is 43 characters).
_MAX_TOKEN = 128


def sign_in_desk(
    store: Store,
    role: DeskRole,
    granted_by: str,
    *,
    now: datetime,
    utc_offset_minutes: int | None = None,
    session_id: str = "",
) -> str:
    """Issue a desk token and keep its grant; the token goes into the browser's cookie only.

    Call it only after checking what grants the desk (the secret typed, the review link).

    Parameters
    ----------
    store
        The store.
    role
        ``facilitator`` or ``reviewer``.
    granted_by
        The facilitator's secret, or the session's review token.
    now
        The time of issue.
    utc_offset_minutes
        The browser's offset from UTC (the token expires at the end of its day).
    session_id
        The reviewed session (reviewers).

    Returns
    -------
    str
        The desk token.
    """
    token, grant = issue_desk(role, granted_by, now=now, utc_offset_minutes=utc_offset_minutes, session_id=session_id)
    store.add_desk(grant)
    return token


def desk_for_token(store: Store, token: str | None, *, secret: str, now: datetime) -> DeskGrant | None:
    """The desk a browser's token opens now, or None.

    None when the token is missing or malformed, signed out, expired, or no longer bound to
    what grants it: the facilitator's current ``secret``, or the reviewed session's current
    review token (a reissued review link, or a session gone).

    Parameters
    ----------
    store
        The store.
    token
        The browser's desk token (its cookie), or None.
    secret
        The facilitator's secret now.
    now
        The time to judge at.

    Returns
    -------
    DeskGrant or None
        The grant of a valid desk.
    """
    if not isinstance(token, str) or not token or len(token) > _MAX_TOKEN:
        return None
    grant = store.find_desk(token_digest(token))
    if grant is None:
        return None
    granted_by = secret
    if grant.role == "reviewer":
        try:
            granted_by = store.load_session(grant.session_id).review_token
        except CodesignError:
            return None
    return grant if desk_is_valid(grant, token, granted_by, now=now) else None


def sign_out_desk(store: Store, token: str | None) -> None:
    """Sign out the desk of this token (nothing happens for an unknown one).

    Parameters
    ----------
    store
        The store.
    token
        The browser's desk token.
    """
    if isinstance(token, str) and token and len(token) <= _MAX_TOKEN:
        store.revoke_desks(token_digest(token))


def sign_out_every_desk(store: Store) -> int:
    """Sign out every desk: the facilitator's laptops and every reviewer's browser.

    Parameters
    ----------
    store
        The store.

    Returns
    -------
    int
        How many desks were signed in.
    """
    return store.revoke_desks()
