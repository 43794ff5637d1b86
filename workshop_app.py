"""Tugan Qala Co-design: the Streamlit entry point and router (no domain logic here).

Start it with ``make run`` (or ``python -m codesign run``).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from app_pages import common, desks

# the tab's icon is a local PNG of the park icon: a :material/ page icon is fetched from Google's font server
FAVICON = str(Path(__file__).resolve().parent / "static" / "favicon.png")
st.set_page_config(
    page_title="Tugan Qala Co-design", page_icon=FAVICON, layout="wide", initial_sidebar_state="collapsed"
)
common.require_sound_configuration()  # a configured facilitator secret that is too short: nothing runs
desks.check_desk()  # a reload keeps the desk (its cookie); a desk signed out elsewhere stops here

given_key = st.query_params.get("key")
if given_key is not None:
    if desks.sign_in_facilitator(given_key):
        st.session_state.pop("bad_key", None)
    else:
        st.session_state.bad_key = True
    del st.query_params["key"]  # never leave the secret in the address bar on a projector

review_token = st.query_params.get("r")
if review_token is not None:
    desks.sign_in_reviewer(st.query_params.get("s") or "", review_token)
    del st.query_params["r"]  # the link's secret does not stay in the address bar

sketch = st.Page("app_pages/sketch.py", title=common.t("nav.sketch"), icon=":material/draw:", url_path="sketch")
desk_pages = {
    "projector": ("app_pages/projector.py", "nav.projector", ":material/co_present:"),
    "plan": ("app_pages/plan.py", "nav.plan", ":material/upload_file:"),
    "paper": ("app_pages/paper.py", "nav.paper", ":material/edit_document:"),
    "compare": ("app_pages/compare.py", "nav.compare", ":material/compare:"),
    "consensus": ("app_pages/consensus.py", "nav.consensus", ":material/handshake:"),
    "vision": ("app_pages/vision.py", "nav.vision", ":material/flare:"),
    "report": ("app_pages/report.py", "nav.report", ":material/description:"),
}


def desk(path: str) -> st.Page:
    script, title, icon = desk_pages[path]
    return st.Page(script, title=common.t(title), icon=icon, url_path=path)


def not_here(path: str) -> st.Page:
    """A hidden route for a page this browser may not open: a clear message, never "Page not found"."""
    return st.Page(common.not_available, title=common.t("nav.not_available"), url_path=path, visibility="hidden")


if common.is_facilitator():
    pages = [
        st.Page("app_pages/facilitator.py", title=common.t("nav.facilitator"), icon=":material/explore:", default=True),
        *(desk(path) for path in desk_pages),
        sketch,
    ]
elif common.reviewer_session():  # the review link's token is checked against the store on every run
    compare = desk("compare")

    def open_comparison() -> None:
        """The review link's first page is the comparison, whether it names /compare or the root."""
        st.switch_page(compare)

    pages = [
        st.Page(open_comparison, title=common.t("nav.compare"), url_path="review", default=True, visibility="hidden"),
        compare,
        desk("consensus"),
        desk("report"),
        *(not_here(path) for path in ("projector", "plan", "paper", "vision")),
    ]
else:
    pages = [
        st.Page("app_pages/welcome.py", title=common.t("nav.welcome"), icon=":material/park:", default=True),
        sketch,
        *(not_here(path) for path in desk_pages),
    ]

desk_view = common.is_facilitator() or common.reviewer_session()
page = st.navigation(pages, position="top" if desk_view else "hidden")
common.tablet_css()
desks.write_cookie()
common.language_picker()
if st.session_state.pop("desk_signed_out", False):
    st.info(common.t("desks.signed_out"))
if st.session_state.pop("review_refused", False):
    st.error(common.t("review.link_refused"))
common.run_guarded(page)  # no traceback on screen: a translated message
