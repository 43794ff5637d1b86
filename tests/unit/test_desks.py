"""Desk tokens with known answers: expiry at the end of the day, binding, revocation, what a thief gets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from codesign.domain.desks import desk_expiry, desk_is_valid, issue_desk, token_digest
from codesign.services.desks import desk_for_token, sign_in_desk, sign_out_desk, sign_out_every_desk

SECRET = "0123456789abcdef-secret"
AKSU = 300  # UTC+5, minutes


@pytest.mark.parametrize(
    ("issued_utc", "offset", "expires_utc"),
    [
        ("2026-12-03T04:00:00", AKSU, "2026-12-03T23:00:00"),  # 09:00 in Aksu -> 04:00 next morning
        ("2026-12-03T17:59:00", AKSU, "2026-12-03T23:00:00"),  # 22:59 in Aksu
        ("2026-12-03T21:30:00", AKSU, "2026-12-03T23:00:00"),  # 02:30 in Aksu: the same night's 04:00
        ("2026-12-03T23:00:00", AKSU, "2026-12-04T23:00:00"),  # exactly 04:00: a new day starts
        ("2026-12-03T09:00:00", None, "2026-12-04T04:00:00"),  # browser's zone unknown: UTC
        ("2026-12-03T09:00:00", -300, "2026-12-04T09:00:00"),  # UTC-5
    ],
)
def test_a_desk_expires_at_four_the_next_morning_in_the_browsers_time_zone(issued_utc, offset, expires_utc):
    issued = datetime.fromisoformat(issued_utc).replace(tzinfo=UTC)
    assert desk_expiry(issued, offset) == datetime.fromisoformat(expires_utc).replace(tzinfo=UTC)
    assert desk_expiry(issued, offset) - issued <= timedelta(hours=24)


def test_a_token_is_random_and_the_grant_holds_neither_token_nor_secret():
    now = datetime(2026, 12, 3, 9, tzinfo=UTC)
    tokens = {issue_desk("facilitator", SECRET, now=now)[0] for _ in range(200)}
    assert len(tokens) == 200
    token, grant = issue_desk("facilitator", SECRET, now=now, utc_offset_minutes=AKSU)
    assert len(token) == 43  # 256 random bits, URL-safe base64
    kept = repr(grant)
    assert token not in kept
    assert SECRET not in kept
    assert grant.digest == token_digest(token)
    assert grant.issued_at == "2026-12-03T09:00:00+00:00"


def test_a_desk_is_valid_only_with_its_token_before_expiry_and_while_its_grant_stands():
    now = datetime(2026, 12, 3, 9, tzinfo=UTC)
    token, grant = issue_desk("facilitator", SECRET, now=now, utc_offset_minutes=AKSU)
    assert desk_is_valid(grant, token, SECRET, now=now)
    assert not desk_is_valid(grant, token + "x", SECRET, now=now)  # another token
    assert not desk_is_valid(grant, token, "a-new-secret-0123456789", now=now)  # the secret was changed
    assert not desk_is_valid(grant, token, SECRET, now=datetime.fromisoformat(grant.expires_at))  # the day is over
    assert not desk_is_valid(None, token, SECRET, now=now)  # signed out
    assert not desk_is_valid(grant, "", SECRET, now=now)


def test_sign_in_restore_and_sign_out_through_the_store(store):
    now = datetime(2026, 12, 3, 9, tzinfo=UTC)
    laptop = sign_in_desk(store, "facilitator", SECRET, now=now, utc_offset_minutes=AKSU)
    spare = sign_in_desk(store, "facilitator", SECRET, now=now)
    assert desk_for_token(store, laptop, secret=SECRET, now=now).role == "facilitator"
    assert desk_for_token(store, None, secret=SECRET, now=now) is None
    assert desk_for_token(store, "x" * 10_000, secret=SECRET, now=now) is None  # no lookup of junk
    assert desk_for_token(store, laptop, secret="a-new-secret-0123456789", now=now) is None
    later = datetime(2026, 12, 3, 23, tzinfo=UTC)
    assert desk_for_token(store, laptop, secret=SECRET, now=later) is None  # 04:00 in Aksu
    sign_out_desk(store, spare)
    assert desk_for_token(store, spare, secret=SECRET, now=now) is None
    assert desk_for_token(store, laptop, secret=SECRET, now=now) is not None  # the other desk stays
    assert sign_out_every_desk(store) == 1
    assert desk_for_token(store, laptop, secret=SECRET, now=now) is None


def test_a_reviewers_desk_ends_with_its_review_link(store):
    now = datetime(2026, 12, 3, 9, tzinfo=UTC)
    session = store.create_session(site="aksu-city-square", title="Форум", teams=[("A", None)])
    token = sign_in_desk(store, "reviewer", session.review_token, now=now, session_id=session.id)
    grant = desk_for_token(store, token, secret=SECRET, now=now)
    assert (grant.role, grant.session_id) == ("reviewer", session.id)
    store.reissue_token(session.id, "reviewer")
    assert desk_for_token(store, token, secret=SECRET, now=now) is None
    forged = sign_in_desk(store, "reviewer", "not-the-review-token", now=now, session_id=session.id)
    assert desk_for_token(store, forged, secret=SECRET, now=now) is None  # bound to the wrong grant: useless
