"""The consensus page (for the projector): where the teams agree, where they do not."""

from __future__ import annotations

import shapely
import streamlit as st
from shapely.geometry.base import BaseGeometry

from app_pages.common import (
    can_change,
    consensus_for,
    consensus_metrics,
    desk_page,
    error_text,
    facilitator_gate,
    go_to,
    lang,
    legend,
    md,
    num,
    site,
    store,
    t,
    t_text,
    view_map,
    voices,
)
from app_pages.disputes_desk import dispute_desk
from app_pages.editor_norms import checks_table
from app_pages.votes import display_names, target_label
from codesign.analysis.consensus import Consensus, consensus_sentences, describe_finding
from codesign.analysis.session import owner_name
from codesign.domain.session import PLAN_OWNER, VISION_OWNER, Session
from codesign.domain.taxonomy import Category, categories, category
from codesign.domain.votes import tally
from codesign.errors import CodesignError
from codesign.render.folium_maps import Styled, styled_layer
from codesign.render.styles import agreement_opacity, cluster_radius_px, is_hatched, share_step
from codesign.services.vision import draw_joint_vision

session = desk_page("consensus.title", "consensus_session", reviewer_ok=True)
the_site = site(session.site)
controls = st.columns([2, 1, 1])
threshold = controls[0].slider(t("consensus.threshold"), 0.3, 1.0, 0.5, 0.05, help=t("consensus.threshold_help"))
with_plan = controls[1].toggle(t("consensus.with_plan"), key="consensus_with_plan")
live = controls[2].toggle(t("consensus.live"), value=True, key="consensus_live")


def show(session: Session) -> None:
    """The consensus of the saved concepts: figures, findings, the map, k-of-N, votes."""
    versions = voices(session, with_plan)
    result = consensus_for(session.id, versions, threshold)
    if result is None:
        st.info(t("consensus.nothing_yet"))
        return
    st.caption(t("consensus.voices", names=", ".join(owner_name(session, o, lang()) for o, _ in versions)))
    with st.container(key="consensus_figures"):
        consensus_metrics(result)
        plan = store().load_latest(session.id, PLAN_OWNER)
        for notice in consensus_sentences(result, plan):
            st.markdown(f"- {md(describe_finding(notice, lang()))}")
    layers = face_layers(result) + cluster_layers(result)
    present = [c for c in categories("zone") if c.id in set(result.majority)]
    if present:
        layers += k_of_n_picker(result, present)
    legend([(c.colour, c.label(lang())) for c in present], note=t("consensus.legend"))
    with st.container(key=f"consensus_map_{session.id}"):
        view_map(the_site, f"consensus_map_{session.id}", styled_layer(layers), 600)
    rows = [
        {
            t("figures.category"): category(cid).label(lang()),
            **{f"≥ {k}": f"{num(v)} {t('unit.m2')}" for k, v in ks.items()},
        }
        for cid, ks in result.k_of_n().items()
    ]
    st.markdown(f"#### {t('consensus.k_table')}")
    st.table(rows)
    show_votes(session)
    checks_table(store().load_latest(session.id, VISION_OWNER), session, the_site, "consensus_norms")
    dispute_desk(session, result)  # contested regions to a vote, settled into the joint vision
    if can_change() and st.button(t("consensus.start_vision"), type="primary", key="start_vision"):
        start_vision(session, result, versions)


def face_layers(result: Consensus) -> list[Styled]:
    """The faces, dissolved by majority, state and share: the majority's colour, opacity by share."""
    groups: dict[tuple[str, str, float], list[BaseGeometry]] = {}
    for face, state, cid, share in zip(result.faces, result.states, result.majority, result.share, strict=True):
        groups.setdefault((cid, state, share_step(share)), []).append(face)
    return [
        Styled(
            result.frame.to_lonlat(shapely.union_all(faces)),
            category(cid).colour,
            t_text(f"consensus.face.{state}", category=category(cid).label(lang()), share=num(100 * share)),
            opacity=agreement_opacity(share),
            hatch=is_hatched(state),
            weight=0.5,
        )
        for (cid, state, share), faces in sorted(groups.items())
    ]


def cluster_layers(result: Consensus) -> list[Styled]:
    """Every amenity cluster as a circle, bigger with more support."""
    return [
        Styled(
            shapely.Point(cluster.lon, cluster.lat),
            category(cluster.category).colour,
            t_text(
                "consensus.cluster",
                category=category(cluster.category).label(lang()),
                count=len(cluster.teams),
                n=result.n,
            ),
            opacity=0.9,
            radius=cluster_radius_px(cluster.support),
        )
        for cluster in result.clusters
    ]


def k_of_n_picker(result: Consensus, present: list[Category]) -> list[Styled]:
    """Pick a category and k: the ground at least k voices give it, outlined on the map."""
    pick_col, k_col = st.columns([2, 3])
    present_names = {c.id: c.label(lang()) for c in present}
    k_category = pick_col.selectbox(
        t("consensus.k_category"), list(present_names), format_func=present_names.__getitem__, key="k_category"
    )
    # one voice: nothing to slide (a slider from 1 to 1 is refused by Streamlit)
    k = k_col.slider(t("consensus.k"), 1, result.n, min(2, result.n), key="k_of_n") if result.n > 1 else 1
    ground, area = result.at_least(k_category, k)
    st.markdown(t("consensus.k_result", k=k, n=result.n, category=category(k_category).label(lang()), area=num(area)))
    if ground.is_empty:
        return []
    label = t_text("consensus.k_layer", k=k, n=result.n)
    return [Styled(result.frame.to_lonlat(ground), "#000000", label, opacity=0.0, weight=4, stroke="#000000")]


def start_vision(session: Session, result: Consensus, versions: tuple[tuple[str, int], ...]) -> None:
    """Save the joint vision's first draft from the consensus (with each feature's provenance), open it."""
    try:
        vision = draw_joint_vision(store(), session, result, versions, title=t_text("vision.default_title"))
        facilitator_gate(session.id).save_concept(VISION_OWNER, vision, base_version=None)
        st.session_state.vision_started = True
        go_to("app_pages/vision.py")
    except CodesignError as err:
        st.error(error_text(err))


def show_votes(session: Session) -> None:
    """Support by dot votes: the shapes the room put most dots on."""
    rules, votes = store().load_votes(session.id)
    if not votes:
        return
    names = display_names(session, rules)
    rows = [
        {
            t("facilitator.team"): md(names.get(owner, owner)),
            t("projector.shape"): target_label(session, owner, fid),
            t("projector.dots_col"): dots,
        }
        for (owner, fid), dots in list(tally(votes).items())[:12]
    ]
    st.markdown(f"#### {t('consensus.votes', count=len(votes))}")
    st.table(rows)


@st.fragment(run_every=5)
def watch_for_saves(session: Session, seen: tuple[tuple[str, int], ...]) -> None:
    """Rerun the page when a team saves (maps cannot live inside a timed fragment)."""
    if voices(session, with_plan) != seen:
        st.rerun(scope="app")


show(session)
if live:
    watch_for_saves(session, voices(session, with_plan))
