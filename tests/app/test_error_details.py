"""No traceback on any screen: users read a translated message, the console keeps the details."""

from __future__ import annotations

import tomllib
from pathlib import Path
from unittest import mock

import pytest
from streamlit import config
from streamlit.testing.v1 import AppTest

from codesign.errors import SessionNotFound
from codesign.i18n import LANGUAGES, translate
from tests.app.test_pages import ROOT, TIMEOUT

SECRET_PATH = "/srv/codesign/sessions/.facilitator_secret"


def texts(at: AppTest) -> list[str]:
    """Everything the page shows as text: element values, exception messages and traces, labels."""
    found: list[str] = []

    def walk(node):
        for attribute in ("value", "message", "label"):
            value = getattr(node, attribute, None)
            if isinstance(value, str):
                found.append(value)
        found.extend(getattr(node, "stack_trace", None) or [])
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return found


def router(lang: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "workshop_app.py"), default_timeout=TIMEOUT)
    at.session_state["lang"] = lang
    at.session_state["facilitator"] = True
    return at


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_unexpected_error_shows_a_translated_message_and_no_traceback(workshop, lang, capfd):
    failure = RuntimeError(f"cannot read {SECRET_PATH}")
    with mock.patch("codesign.storage.files.FileStore.list_sessions", side_effect=failure):
        at = router(lang).run()
    assert not at.exception
    assert [e.value for e in at.error] == [translate("error.unexpected", lang)]
    shown = "\n".join(texts(at))
    for leak in (SECRET_PATH, "Traceback", "RuntimeError", ".py", "line "):
        assert leak not in shown
    console = capfd.readouterr().err
    assert "Traceback" in console
    assert SECRET_PATH in console  # the facilitator's console still has everything


def test_a_codesign_error_nobody_caught_shows_its_own_message(workshop):
    with mock.patch("codesign.storage.files.FileStore.list_sessions", side_effect=SessionNotFound(session_id="gone")):
        at = router("kk").run()
    assert not at.exception
    assert [e.value for e in at.error] == [translate("error.session_not_found", "kk", session_id="gone")]


def test_errors_outside_the_pages_show_no_details_with_the_apps_config(tmp_path):
    configured = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["client"]["showErrorDetails"]
    script = tmp_path / "boom.py"
    script.write_text(f"raise RuntimeError({SECRET_PATH!r})\n")
    before = config.get_option("client.showErrorDetails")
    config.set_option("client.showErrorDetails", configured)
    try:
        at = AppTest.from_file(str(script), default_timeout=TIMEOUT).run()
    finally:
        config.set_option("client.showErrorDetails", before)
    [shown] = at.exception
    assert SECRET_PATH not in shown.message
    assert not shown.stack_trace
    assert not shown.proto.type  # not even the exception's type
    assert Path(script).name not in "\n".join(texts(at))
