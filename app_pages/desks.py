"""Desks that survive a reload: the facilitator's laptop and reviewers' browsers keep their desk.

On sign-in (the secret typed, the ``?key=`` link, a review link) this browser gets a desk token
(:mod:`codesign.services.desks`) in a cookie, written by a tiny script once and never shown;
the address bar never holds it. A new browser session (F5, a browser restart, a laptop waking
up, another app process) reads the cookie (``st.context.cookies``) and gets its desk back.
Every run checks the desk against the store, so "sign out every desk" and a reissued review
link stop open tabs too.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import streamlit as st

from app_pages.common import facilitator_secret_value, remember_review_link, store, t
from codesign.domain.access import is_reviewer, secret_matches
from codesign.domain.desks import DESK_COOKIE, token_digest
from codesign.errors import CodesignError
from codesign.services.desks import desk_for_token, sign_in_desk, sign_out_desk, sign_out_every_desk

#: Where this browser session keeps its desk token (server side only).
TOKEN_KEY = "desk_token"
#: A cookie to write (the token, and its max age in seconds), or "" to clear it, on the next render.
COOKIE_KEY = "desk_cookie_pending"


def _now() -> datetime:
    return datetime.now(UTC)


def _utc_offset_minutes() -> int | None:
    """The browser's offset from UTC in minutes (``st.context.timezone_offset`` counts the other way)."""
    offset = st.context.timezone_offset
    return None if offset is None else -int(offset)


def _cookie() -> str | None:
    """The desk token this browser brought in its cookie, when it connected (None without one)."""
    value = st.context.cookies.get(DESK_COOKIE)
    return value if isinstance(value, str) and value else None


def _forget_desk() -> None:
    for key in ("facilitator", "reviewer", "reviewer_token", TOKEN_KEY):
        st.session_state.pop(key, None)


def _start_desk(token: str, expires_at: str) -> None:
    st.session_state[TOKEN_KEY] = token
    max_age = max(0, int((datetime.fromisoformat(expires_at) - _now()).total_seconds()))
    st.session_state[COOKIE_KEY] = (token, max_age)


def sign_in_facilitator(given: str | None) -> bool:
    """Check the secret; on a match this browser becomes the facilitator's desk (token and cookie).

    Returns whether it matched.
    """
    secret = facilitator_secret_value()
    if not secret_matches(given, secret):
        return False
    token = sign_in_desk(store(), "facilitator", secret, now=_now(), utc_offset_minutes=_utc_offset_minutes())
    grant = desk_for_token(store(), token, secret=secret, now=_now())
    st.session_state.facilitator = True
    if grant is not None:
        _start_desk(token, grant.expires_at)
    return True


def sign_in_reviewer(session_id: str, review_token: str) -> None:
    """A review link opened: keep it for this browser session, and give the browser a reviewer's desk."""
    remember_review_link(session_id, review_token)
    if st.session_state.get("facilitator"):
        return  # the facilitator's desk stays the facilitator's
    try:
        valid = is_reviewer(store().load_session(session_id), review_token)
    except CodesignError:
        valid = False
    if not valid:
        return  # reviewer_session() says the link is refused
    token = sign_in_desk(
        store(), "reviewer", review_token, now=_now(), utc_offset_minutes=_utc_offset_minutes(), session_id=session_id
    )
    grant = desk_for_token(store(), token, secret=facilitator_secret_value(), now=_now())
    if grant is not None:
        _start_desk(token, grant.expires_at)


def check_desk() -> None:
    """At the top of every run: restore a desk from the browser's cookie, or drop one that was signed out."""
    token = st.session_state.get(TOKEN_KEY) or _cookie()
    if not token or token == st.session_state.get("dead_desk_token"):
        return
    grant = desk_for_token(store(), token, secret=facilitator_secret_value(), now=_now())
    if grant is None:
        was_desk = TOKEN_KEY in st.session_state
        kept = store().find_desk(token_digest(token))  # still kept: expired, or its review link reissued
        _forget_desk()
        st.session_state.dead_desk_token = token  # the cookie this connection brought: not looked up again
        st.session_state[COOKIE_KEY] = ""  # the browser forgets the dead token too
        if was_desk and kept is not None and kept.role == "reviewer":
            st.session_state.review_refused = True  # the router says the review link no longer works
        elif was_desk:
            st.session_state.desk_signed_out = True
        return
    if TOKEN_KEY in st.session_state:
        return
    st.session_state[TOKEN_KEY] = token  # a reload: the desk is back, the secret was never asked for
    if grant.role == "facilitator":
        st.session_state.facilitator = True
    else:
        remember_review_link(grant.session_id, store().load_session(grant.session_id).review_token)


def desk_is_signed_out() -> bool:
    """Whether this browser session's desk was signed out since (for the timed watchers)."""
    token = st.session_state.get(TOKEN_KEY)
    if not token:
        return False
    return desk_for_token(store(), token, secret=facilitator_secret_value(), now=_now()) is None


def write_cookie() -> None:
    """Write (or clear) the desk cookie in this browser, once: a script that is then emptied."""
    pending = st.session_state.pop(COOKIE_KEY, None)
    if pending is None:
        return
    secure = "; Secure" if (st.context.url or "").startswith("https://") else ""
    if pending:
        token, max_age = pending
        cookie = f"{DESK_COOKIE}={token}; Max-Age={max_age}; Path=/; SameSite=Strict{secure}"
    else:
        cookie = f"{DESK_COOKIE}=; Max-Age=0; Path=/; SameSite=Strict{secure}"
    # The token is URL-safe base64 (letters, digits, - and _): json.dumps makes it a JS string.
    script = (
        "<style>.st-key-desk_cookie{display:none}</style>"
        "<script>(function(){var s=document.currentScript;"
        f"document.cookie={json.dumps(cookie)};"
        "if(s){s.textContent='';}})();</script>"
    )
    with st.container(key="desk_cookie"):
        st.html(script, unsafe_allow_javascript=True)


def desk_controls() -> None:
    """On the facilitator's page: how many desks are signed in; sign out this one, or every desk."""
    with st.expander(t("desks.title")), st.container(key="desk_controls"):
        now = _now()
        live = [g for g in store().desks() if datetime.fromisoformat(g.expires_at) > now]
        st.markdown(
            t(
                "desks.count",
                facilitators=sum(g.role == "facilitator" for g in live),
                reviewers=sum(g.role == "reviewer" for g in live),
            )
        )
        st.caption(t("desks.help"))
        left, right = st.columns(2)
        if left.button(t("desks.sign_out"), key="desk_sign_out"):
            sign_out_desk(store(), st.session_state.get(TOKEN_KEY))
            _signed_out()
        if right.button(t("desks.sign_out_all"), key="desk_sign_out_all", type="primary"):
            sign_out_every_desk(store())
            _signed_out()


def _signed_out() -> None:
    st.session_state.dead_desk_token = st.session_state.get(TOKEN_KEY) or _cookie()
    _forget_desk()
    st.session_state[COOKIE_KEY] = ""
    st.session_state.desk_signed_out = True
    st.rerun()
