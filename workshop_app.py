"""Tugan Qala Co-design: the Streamlit entry point and router (no domain logic here).

Start it with ``make run`` (or ``python -m codesign run``).
"""

from __future__ import annotations

import streamlit as st

from app_pages import common
from codesign.access import is_facilitator as secret_matches
from codesign.access import is_reviewer as review_allowed
from codesign.errors import CodesignError

st.set_page_config(page_title="Tugan Qala Co-design", page_icon="🌳", layout="wide", initial_sidebar_state="collapsed")

given_key = st.query_params.get("key")
if given_key is not None:
    if secret_matches(given_key, common.facilitator_secret_value()):
        st.session_state.facilitator = True
        st.session_state.pop("bad_key", None)
    else:
        st.session_state.bad_key = True
    del st.query_params["key"]  # never leave the secret in the address bar on a projector

review_token = st.query_params.get("r")
if review_token is not None:
    try:
        reviewed = common.store().load_session(st.query_params.get("s") or "")
        if review_allowed(reviewed, review_token):
            st.session_state.reviewer = reviewed.id
        else:
            st.session_state.pop("reviewer", None)
    except CodesignError:
        st.session_state.pop("reviewer", None)
    del st.query_params["r"]  # the link's secret does not stay in the address bar

sketch = st.Page("app_pages/sketch.py", title=common.t("nav.sketch"), icon="✏️", url_path="sketch")
if common.is_facilitator():
    pages = [
        st.Page("app_pages/facilitator.py", title=common.t("nav.facilitator"), icon="🧭", default=True),
        st.Page("app_pages/projector.py", title=common.t("nav.projector"), icon="📽️", url_path="projector"),
        st.Page("app_pages/plan.py", title=common.t("nav.plan"), icon="📥", url_path="plan"),
        st.Page("app_pages/compare.py", title=common.t("nav.compare"), icon="⚖️", url_path="compare"),
        st.Page("app_pages/consensus.py", title=common.t("nav.consensus"), icon="🤝", url_path="consensus"),
        st.Page("app_pages/vision.py", title=common.t("nav.vision"), icon="🌟", url_path="vision"),
        st.Page("app_pages/report.py", title=common.t("nav.report"), icon="📄", url_path="report"),
        sketch,
    ]
elif common.reviewer_session():
    pages = [
        st.Page("app_pages/compare.py", title=common.t("nav.compare"), icon="⚖️", url_path="compare", default=True),
        st.Page("app_pages/consensus.py", title=common.t("nav.consensus"), icon="🤝", url_path="consensus"),
        st.Page("app_pages/report.py", title=common.t("nav.report"), icon="📄", url_path="report"),
    ]
else:
    pages = [st.Page("app_pages/welcome.py", title=common.t("nav.welcome"), icon="🌳", default=True), sketch]

desk = common.is_facilitator() or common.reviewer_session()
page = st.navigation(pages, position="top" if desk else "hidden")
common.tablet_css()
common.language_picker()
common.run_guarded(page)  # no traceback on screen: a translated message
