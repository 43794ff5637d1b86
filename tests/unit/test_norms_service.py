"""Uploading a rule pack to a session (both stores), the pack a session uses, and copying it with the session."""

from __future__ import annotations

import pytest

from codesign.domain.rules import RULES_DIR, RulePackError
from codesign.services.norms import check_owner, session_pack, upload_pack
from codesign.storage.copy import copy_sessions
from codesign.storage.files import FileStore

GOOD = (
    (RULES_DIR / "aksu-illustrative.toml")
    .read_text(encoding="utf-8")
    .replace('id = "aksu-illustrative"', 'id = "city"')
)


def test_an_uploaded_pack_is_used_and_a_malformed_one_changes_nothing(store):
    session = store.create_session(site="aksu-city-square", title="Нормы", teams=[("A", None)])
    assert session_pack(store, session).id == "aksu-illustrative"
    pack = upload_pack(store, session.id, "C:\\Users\\akimat\\город.toml", GOOD.encode("utf-8"))
    assert pack.id == "city"
    assert store.load_rules(session.id).name == "город.toml"  # only the file's own name is kept
    assert session_pack(store, session).id == "city"
    bad = GOOD.replace('to = ["playground"]', 'to = ["detskaya"]')
    with pytest.raises(RulePackError) as caught:
        upload_pack(store, session.id, "bad.toml", bad.encode("utf-8"))
    assert "detskaya" in caught.value.params["reason"]
    assert caught.value.params["line"] > 0
    assert session_pack(store, session).id == "city"  # the refused pack replaced nothing
    store.save_rules(session.id, None)
    assert session_pack(store, session).id == "aksu-illustrative"


def test_uploads_that_are_not_text_or_too_big_are_refused_with_where(store):
    session = store.create_session(site="aksu-city-square", title="Нормы", teams=[("A", None)])
    with pytest.raises(RulePackError) as caught:
        upload_pack(store, session.id, "x.toml", b'[pack]\nid = "x"\n\xff\xfe')
    assert (caught.value.params["line"], caught.value.params["reason"]) == (3, "not UTF-8 text")
    with pytest.raises(RulePackError):
        upload_pack(store, session.id, "x.toml", b"#" * 300_000)
    assert store.load_rules(session.id) is None


def test_checks_of_an_owner_with_nothing_saved_are_none(store):
    session = store.create_session(site="aksu-city-square", title="Нормы", teams=[("A", None)])
    assert check_owner(store, session, "team-1") is None


def test_an_uploaded_pack_travels_with_a_copied_session(tmp_path):
    source, target = FileStore(tmp_path / "a"), FileStore(tmp_path / "b")
    session = source.create_session(site="aksu-city-square", title="Нормы", teams=[("A", None)])
    upload_pack(source, session.id, "city.toml", GOOD.encode("utf-8"))
    copy_sessions(source, target)
    assert target.load_rules(session.id) == source.load_rules(session.id)
