"""AppTest fixtures: a temporary sessions folder with a session of two teams."""

from __future__ import annotations

import pytest

from codesign.storage.files import FileStore

SECRET = "test-facilitator-secret-0123456789"


@pytest.fixture
def workshop(tmp_path, monkeypatch):
    root = tmp_path / "sessions"
    monkeypatch.setenv("CODESIGN_SESSIONS_DIR", str(root))
    monkeypatch.setenv("CODESIGN_FACILITATOR_SECRET", SECRET)
    store = FileStore(root)
    session = store.create_session(site="aksu-city-square", title="Форум <b>", teams=[("Орлы", None), ("Соколы", None)])
    return store, session
