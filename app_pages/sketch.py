"""The team's sketch page (tablet first), opened by the team's join link.

Every change is saved at once as a new version; the drawing stays in this browser
session when a save fails, with a retry.
"""

from __future__ import annotations

import streamlit as st

from app_pages.common import store, t
from app_pages.editor import run_editor
from codesign.access import team_for_token
from codesign.errors import CodesignError

try:
    session = store().load_session(st.query_params.get("s") or "")
    team = team_for_token(session, st.query_params.get("t"))
except CodesignError:
    st.error(t("sketch.bad_link"))
    st.stop()
run_editor(session, team)
