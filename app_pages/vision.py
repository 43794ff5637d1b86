"""The joint vision: the facilitator edits it in the teams' editor, in front of the room."""

from __future__ import annotations

from types import SimpleNamespace

import streamlit as st

from app_pages.common import desk_page, t
from app_pages.editor import run_editor
from codesign.domain.session import VISION_OWNER

session = desk_page(None, "vision_session")
if st.session_state.pop("vision_started", False):
    st.success(t("vision.started"))
if st.session_state.pop("disputes_settled", False):
    st.success(t("disputes.settled"))
st.caption(t("vision.help"))
run_editor(session, SimpleNamespace(id=VISION_OWNER, name=t("vision.name")), in_room=False)  # not a tablet: no rounds
