"""The joint vision: the facilitator edits it in the teams' editor, in front of the room."""

from __future__ import annotations

from types import SimpleNamespace

import streamlit as st

from app_pages.common import is_facilitator, session_picker, t
from app_pages.editor import run_editor
from codesign.store import VISION_OWNER

if not is_facilitator():
    st.error(t("error.access_denied"))
    st.stop()
session = session_picker("vision_session")
if session is None:
    st.stop()
if st.session_state.pop("vision_started", False):
    st.success(t("vision.started"))
st.caption(t("vision.help"))
run_editor(session, SimpleNamespace(id=VISION_OWNER, name=t("vision.name")))
