"""Printing the paper sheets of every team: one block, on the facilitator's page and the paper desk page."""

from __future__ import annotations

import streamlit as st

from app_pages.common import error_text, lang, store, t
from codesign.domain.session import Session
from codesign.errors import CodesignError
from codesign.i18n import LANGUAGES
from codesign.services.paper import session_sheets

LANGUAGE_NAMES = {"ru": "Русский", "kk": "Қазақша", "en": "English"}


def print_sheets(session: Session, key: str) -> None:
    """Paper size, language, the plan faint or not; a button makes every team's sheet, then a download."""
    st.caption(t("paper.print.help"))
    size_col, lang_col, plan_col = st.columns([1, 1, 2], vertical_alignment="bottom")
    paper = size_col.selectbox(t("paper.print.size"), ("a4", "a3"), format_func=str.upper, key=f"{key}_size")
    sheet_lang = lang_col.selectbox(
        t("paper.print.lang"),
        LANGUAGES,
        index=LANGUAGES.index(lang()),
        format_func=LANGUAGE_NAMES.__getitem__,
        key=f"{key}_lang",
    )
    with_plan = plan_col.checkbox(t("paper.print.with_plan"), key=f"{key}_plan")
    made_key = f"{key}_pdf"
    wanted = (session.id, paper, sheet_lang, with_plan)
    if st.button(t("paper.print.make", count=len(session.teams)), key=f"{key}_make", type="primary"):
        with st.spinner(t("paper.print.making")):
            try:
                st.session_state[made_key] = (
                    wanted,
                    session_sheets(store(), session.id, sheet_lang, paper, with_plan=with_plan),
                )
            except CodesignError as err:
                st.error(error_text(err))
    made = st.session_state.get(made_key)
    if made is not None and made[0] == wanted:
        st.download_button(
            t("paper.print.download", count=len(session.teams)),
            made[1],
            file_name=f"{session.id}-sheets-{paper}-{sheet_lang}.pdf",
            mime="application/pdf",
            key=f"{key}_download",
            icon=":material/print:",
        )
