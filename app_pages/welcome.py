"""Welcome page for anyone without a link: how to join, and the facilitator's sign-in."""

from __future__ import annotations

import streamlit as st

from app_pages.common import facilitator_secret_value, t
from codesign.access import is_facilitator as secret_matches

st.title(t("welcome.title"))
st.write(t("welcome.intro"))
st.info(t("welcome.how_to_join"))
if st.session_state.pop("bad_key", False):
    st.error(t("welcome.bad_key"))
with st.form("facilitator_login"):
    key = st.text_input(t("welcome.key_label"), type="password", max_chars=200)
    if st.form_submit_button(t("welcome.sign_in")):
        if secret_matches(key.strip(), facilitator_secret_value()):
            st.session_state.facilitator = True
            st.rerun()
        else:
            st.error(t("welcome.bad_key"))
