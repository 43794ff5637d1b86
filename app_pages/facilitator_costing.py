"""The facilitator's prices and budget (a call in app_pages/facilitator.py).

Choose a bundled price list or upload one (refused with every problem's line and reason),
edit the unit prices in a table (an empty cell: no price), set the session's budget, and
download the list in use as TOML. Everything is kept with the session
(:meth:`codesign.storage.base.Store.update_costing`) and shows at once on the tablets, the
comparison page, the report and the files.
"""

from __future__ import annotations

import math
from dataclasses import replace

import streamlit as st

from app_pages.common import error_text, lang, md, store, t, t_text
from codesign.analysis.compare import category_label
from codesign.domain.prices import (
    MAX_BUDGET,
    UNITS,
    PriceList,
    PriceListError,
    SessionCosting,
    bundled_price_lists,
    load_price_list,
    price_list_to_toml,
    read_price_list_upload,
    with_budget,
    with_prices,
)
from codesign.domain.session import Session
from codesign.domain.taxonomy import categories
from codesign.errors import CodesignError
from codesign.i18n import translate

_UNIT_KEYS = {"m2": "unit.m2", "m": "unit.m", "pcs": "unit.pcs"}


def _save(session_id: str, change: object) -> bool:
    """Apply one change to the session's costing; say so, or why not."""
    try:
        store().update_costing(session_id, change)  # type: ignore[arg-type]
    except CodesignError as err:
        st.error(error_text(err))
        return False
    st.session_state["costing_saved"] = True
    return True


def _refused(err: PriceListError, file_name: str) -> None:
    """Every problem of a refused list, each with its line, then how many."""
    lines = [translate(key, lang(), **{**params, "file": file_name}) for key, params in err.problems]
    st.error("\n".join(f"- {md(line)}" for line in lines))
    st.error(t("prices.refused", file=file_name, count=len(lines)))


def costing_panel(session: Session) -> None:
    """Prices and budget of ``session``."""
    costing = store().load_costing(session.id)
    prices = costing.prices
    with st.container(key="costing_panel"):
        if st.session_state.pop("costing_saved", False):
            st.success(t("costing.saved"))
        st.caption(t("costing.current", title=prices.display_title(lang()), currency=prices.currency))
        if prices.illustrative:
            st.caption("ℹ️ " + t("cost.illustrative"))
        _choose_list(session, costing)
        _budget(session, costing)
        _edit_prices(session, costing)
        st.download_button(
            t("costing.download"),
            data=(prices.text or price_list_to_toml(prices)).encode("utf-8"),
            file_name=f"{prices.name}.toml",
            mime="application/toml",
            key="costing_download",
        )


def _choose_list(session: Session, costing: SessionCosting) -> None:
    left, right = st.columns([3, 2], vertical_alignment="bottom")
    titles = {name: load_price_list(name).display_title(lang()) for name in bundled_price_lists()}
    chosen = left.selectbox(t("costing.bundled"), list(titles), format_func=titles.__getitem__, key="costing_list")
    use = right.button(t("costing.use"), key="costing_use")
    if use and chosen and _save(session.id, lambda c: replace(c, prices=load_price_list(chosen), source="bundled")):
        st.rerun()
    upload = st.file_uploader(t("costing.upload"), type=["toml"], key="costing_upload")
    if upload is not None and st.button(t("costing.use"), key="costing_use_upload"):
        try:
            uploaded = read_price_list_upload(upload.getvalue(), upload.name)
        except PriceListError as err:
            _refused(err, upload.name)
            return
        if _save(session.id, lambda c: replace(c, prices=uploaded, source="uploaded")):
            st.rerun()


def _budget(session: Session, costing: SessionCosting) -> None:
    with st.form("costing_budget", border=False):
        value = st.number_input(
            t("costing.budget", currency=costing.prices.currency),
            min_value=0.0,
            max_value=MAX_BUDGET,
            value=float(costing.budget or 0.0),
            step=1_000_000.0,
            format="%.0f",
        )
        if st.form_submit_button(t("costing.save_budget")):
            budget = None if not value else float(value)
            if _save(session.id, lambda c: with_budget(c, budget)):
                st.rerun()


def _price_rows(prices: PriceList) -> list[dict[str, object]]:
    return [
        {
            "id": c.id,
            t_text("figures.category"): category_label(c.id, lang()),
            t_text("cost.col.unit"): t_text(_UNIT_KEYS[UNITS[c.kind]]),
            t_text("cost.col.unit_price"): prices.unit_price(c.id),
        }
        for c in categories()
    ]


def _edit_prices(session: Session, costing: SessionCosting) -> None:
    prices = costing.prices
    price_col = t_text("cost.col.unit_price")
    with st.form("costing_prices", border=False):
        st.markdown(f"**{t('costing.edit')}**")
        edited = st.data_editor(
            _price_rows(prices),
            hide_index=True,
            disabled=["id", t_text("figures.category"), t_text("cost.col.unit")],
            column_order=[t_text("figures.category"), t_text("cost.col.unit"), price_col],
            column_config={price_col: st.column_config.NumberColumn(min_value=0, format="%.2f")},
            key=f"costing_editor_{prices.name}",
        )
        illustrative = st.checkbox(t("costing.still_illustrative"), value=prices.illustrative)
        if st.form_submit_button(t("costing.save_prices")):
            changes = {str(row["id"]): _price(row[price_col]) for row in edited}
            name = prices.name if prices.name.endswith("-edited") else f"{prices.name[:57]}-edited"
            try:
                new = with_prices(prices, changes, illustrative=illustrative, name=name)
            except PriceListError as err:
                _refused(err, name)
                return
            if _save(session.id, lambda c: replace(c, prices=new, source="edited")):
                st.rerun()


def _price(value: object) -> float | None:
    """A cell of the price column: a number, or None when empty."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)  # type: ignore[arg-type]
