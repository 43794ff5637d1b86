"""Welcome page for anyone without a link: join with a team code, or sign in as facilitator."""

from __future__ import annotations

import streamlit as st

from app_pages.common import go_to, store, t
from app_pages.desks import sign_in_facilitator
from codesign.domain.access import team_for_code
from codesign.errors import AccessDenied

st.title(t("welcome.title"))
st.write(t("welcome.intro"))
st.info(t("welcome.how_to_join"))
with st.form("join_with_code"):
    code = st.text_input(t("welcome.code_label"), max_chars=12, placeholder="ABC-123")
    if st.form_submit_button(t("welcome.join"), type="primary"):
        try:
            session, team = team_for_code(store().list_sessions(), code)
            go_to("app_pages/sketch.py", {"s": session.id, "t": team.token})
        except AccessDenied:
            st.error(t("welcome.bad_code"))
if st.session_state.pop("bad_key", False):
    st.error(t("welcome.bad_key"))
with st.expander(t("welcome.facilitator")), st.form("facilitator_login"):
    key = st.text_input(t("welcome.key_label"), type="password", max_chars=200)
    if st.form_submit_button(t("welcome.sign_in")):
        if sign_in_facilitator(key.strip()):  # this browser keeps the desk across a reload (a cookie)
            st.rerun()
        else:
            st.error(t("welcome.bad_key"))
