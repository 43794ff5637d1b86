"""Votes that settle disputes, on the consensus page: send the contested regions to a vote, watch, settle."""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from app_pages.common import can_change, error_text, facilitator_gate, go_to, lang, num, site, store, t
from codesign.analysis.consensus import Consensus
from codesign.analysis.disputes import contested_regions
from codesign.analysis.session import owner_name
from codesign.domain.disputes import DisputedRegion, DisputeVote, region_tally, winner
from codesign.domain.session import Session
from codesign.domain.taxonomy import category
from codesign.errors import CodesignError
from codesign.render.icons import streamlit_icon
from codesign.render.region_svg import region_svg
from codesign.services.disputes import send_disputes_to_vote, settle_disputes

#: Contested regions of the consensus objects shown lately (the cached consensus is one object per
#: set of saved versions): id -> (the object, its regions). Grouping a 12 x 80 workshop takes ~1-2 s.
_REGIONS: dict[int, tuple[Consensus, tuple[DisputedRegion, ...]]] = {}


def regions_of(result: Consensus) -> tuple[DisputedRegion, ...]:
    """The contested regions of ``result``, computed once per consensus object."""
    cached = _REGIONS.get(id(result))
    if cached is None or cached[0] is not result:
        if len(_REGIONS) >= 4:
            _REGIONS.clear()
        cached = _REGIONS[id(result)] = (result, contested_regions(result))
    return cached[1]


def dispute_desk(session: Session, result: Consensus) -> None:
    """The dispute vote: its regions and tally; the facilitator opens it and settles it into the vision."""
    vote = store().load_disputes(session.id)
    with st.container(key="dispute_desk"):
        st.markdown(f"#### {t('disputes.title')}")
        if vote.status == "none":
            st.caption(t("disputes.none_yet", count=len(regions_of(result))))
        elif vote.is_open:
            st.fragment(run_every=3)(live_tally)(session)  # ballots arrive from the tablets
        else:
            tally_table(session, vote)
        if not can_change():
            return
        left, right = st.columns(2)
        label = "disputes.send_again" if vote.status != "none" else "disputes.send"
        if left.button(t(label), key="disputes_send", disabled=vote.is_open):
            try:
                send_disputes_to_vote(store(), session.id, result, now=datetime.now(UTC))
                st.rerun()
            except CodesignError as err:
                st.error(error_text(err))
        if right.button(t("disputes.settle"), key="disputes_settle", type="primary", disabled=vote.status == "none"):
            try:
                settle_disputes(
                    facilitator_gate(session.id), result, site=session.site, title=t("vision.default_title")
                )
                st.session_state.disputes_settled = True
                go_to("app_pages/vision.py")
            except CodesignError as err:
                st.error(error_text(err))


def live_tally(session: Session) -> None:
    """The tally as the store holds it now (refreshed every few seconds while the vote is open)."""
    tally_table(session, store().load_disputes(session.id))


def tally_table(session: Session, vote: DisputeVote) -> None:
    """Each region: where it is, its uses with their ballots, and the winner (or a tie)."""
    status = t("disputes.open") if vote.is_open else t("disputes.closed_status")
    voted = sorted({b.team for b in vote.ballots})
    st.markdown(
        t("disputes.status", status=status, teams=", ".join(owner_name(session, team, lang()) for team in voted) or "—")
    )
    the_site = site(session.site)
    columns = st.columns(min(3, max(1, len(vote.regions))))
    for i, region in enumerate(vote.regions):
        with columns[i % len(columns)], st.container(border=True, key=f"dispute_tally_{region.id}"):
            st.image(region_svg(region.geometry, the_site, width=320, height=210))
            st.markdown(t("disputes.region", region=region.id, area=num(region.area_m2)))
            counts = region_tally(vote, region.id)
            won = winner(vote, region.id)
            st.table(
                [
                    {
                        t("figures.category"): f"{streamlit_icon(category(use).icon)} {category(use).label(lang())}",
                        t("disputes.ballots"): f"{'●' * n}  {n}",
                    }
                    for use, n in counts.items()
                ]
            )
            if won is not None:
                st.markdown(t("disputes.winner", use=category(won).label(lang())))
            else:
                st.caption(t("disputes.no_winner"))
    if vote.applied_version:
        st.caption(t("disputes.applied", version=vote.applied_version))
