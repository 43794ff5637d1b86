"""The team's sketch page (tablet first), opened by the team's join link.

Every change is saved at once as a new version; the drawing stays in this browser
session when a save fails, with a retry.
"""

from __future__ import annotations

import streamlit as st

from app_pages.common import store, t
from app_pages.editor import run_editor, was_editing
from codesign.domain.access import team_for_token
from codesign.errors import CodesignError

session_id = st.query_params.get("s") or ""
try:
    session = store().load_session(session_id)
    team = team_for_token(session, st.query_params.get("t"))
except CodesignError:
    # A tablet that was editing with this link hears why it stopped working; anyone else, that it is wrong.
    st.error(t("sketch.link_revoked" if was_editing(session_id) else "sketch.bad_link"))
    st.stop()
run_editor(session, team)
