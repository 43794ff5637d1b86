"""The dot-voting panel on a team's tablet during the vote round."""

from __future__ import annotations

import streamlit as st

from app_pages.common import consensus_for, error_text, lang, md, num, site, store, t, voices
from codesign.analysis.consensus import DEFAULT_THRESHOLD
from codesign.analysis.session import agreed_areas
from codesign.domain.session import Session
from codesign.domain.taxonomy import category
from codesign.domain.votes import CONSENSUS_TARGET, Vote, VotingRules, dots_left, team_letter
from codesign.errors import CodesignError
from codesign.render.icons import streamlit_icon
from codesign.render.svg import concept_svg
from codesign.services.gate import WriteGate, Writer


def display_names(session: Session, rules: VotingRules) -> dict[str, str]:
    """Team id -> the name shown in the room (A, B, C ... when anonymous)."""
    names = {team.id: team_letter(i) if rules.anonymous else team.name for i, team in enumerate(session.teams)}
    return names | {CONSENSUS_TARGET: t("votes.consensus")}


def target_label(session: Session, owner: str, feature_id: str) -> str:
    """What a dot was put on, in words: a team's shape, or an agreed area of a category."""
    if owner == CONSENSUS_TARGET:
        return t("votes.agreed_area", category=category(feature_id).label(lang()))
    concept = store().load_latest(session.id, owner)
    try:
        f = concept.feature(feature_id) if concept is not None else None
    except CodesignError:
        f = None
    if f is None:
        return feature_id
    return f"{streamlit_icon(category(f.category).icon)} {category(f.category).label(lang())}" + (
        f" · {md(f.label)}" if f.label else ""
    )


def vote_panel(session: Session, team: object) -> None:
    """Place and take back dots on other teams' shapes and on the areas the teams agree on."""
    rules, votes = store().load_votes(session.id)
    participant = ""
    if rules.mode == "participant":
        participant = str(st.selectbox(t("votes.who"), list(range(1, 21)), key="voter_number"))
    left = dots_left(votes, team.id, participant, rules)
    mine = {
        (v.target_owner, v.target_feature)
        for v in votes
        if v.team == team.id and (rules.mode == "team" or v.participant == participant)
    }

    def dot_row(owner: str, target: str, label: str) -> None:
        has = (owner, target) in mine
        text, col = st.columns([4, 1])
        text.markdown(f"{'● ' if has else ''}{label}")
        if col.button("−" if has else "+", key=f"vote_{owner}_{target}_{participant}", disabled=not has and left <= 0):
            gate = WriteGate(store(), session.id, Writer.team(team.id, getattr(team, "token", None)))
            try:
                gate.change_dot(Vote(team.id, participant, owner, target), take_back=has)
                st.rerun()
            except CodesignError as err:
                st.error(error_text(err))

    with st.container(key="vote_panel"):
        st.markdown(f"### {t('votes.title')}")
        st.markdown(t("votes.left", left=left, dots=rules.dots))
        names = display_names(session, rules)
        the_site = site(session.site)
        concepts = {o.id: store().load_latest(session.id, o.id) for o in session.teams}
        for other in session.teams:
            concept = concepts[other.id]
            if other.id == team.id or concept is None or not concept.features:
                continue
            with st.expander(t("votes.team", name=names[other.id]), expanded=len(session.teams) <= 3):
                st.image(concept_svg(concept, the_site, width=320, height=220))
                for f in concept.features:
                    size = (
                        f" · {num(the_site.frame.to_metric(f.geometry).area)} {t('unit.m2')}"
                        if f.kind == "zone"
                        else ""
                    )
                    dot_row(other.id, f.id, target_label(session, other.id, f.id) + size)
        versions = voices(session)
        if len(versions) >= 2:
            consensus = consensus_for(session.id, versions, DEFAULT_THRESHOLD)
            with st.expander(t("votes.consensus")):
                for cid, area in agreed_areas(consensus).items():
                    label = t("votes.agreed_area", category=category(cid).label(lang()))
                    dot_row(CONSENSUS_TARGET, cid, f"{label} · {num(area)} {t('unit.m2')}")
