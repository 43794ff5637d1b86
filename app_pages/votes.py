"""The dot-voting panel on a team's tablet during the vote round."""

from __future__ import annotations

import time

import streamlit as st

from app_pages.common import error_text, lang, link_still_valid, md, num, site, store, t
from codesign.errors import AccessDenied, CodesignError
from codesign.rounds import voting_open
from codesign.store import Session
from codesign.taxonomy import category
from codesign.thumbnails import concept_svg
from codesign.votes import Vote, VotingRules, cast, dots_left, retract, team_letter


def display_names(session: Session, rules: VotingRules) -> dict[str, str]:
    """Team id -> the name shown in the room (A, B, C ... when anonymous)."""
    return {team.id: team_letter(i) if rules.anonymous else team.name for i, team in enumerate(session.teams)}


def vote_panel(session: Session, team: object) -> None:
    """Place and take back dots on other teams' shapes."""
    rules, votes = store().load_votes(session.id)
    participant = ""
    if rules.mode == "participant":
        participant = str(st.selectbox(t("votes.who"), list(range(1, 21)), key="voter_number"))
    left = dots_left(votes, team.id, participant, rules)
    with st.container(key="vote_panel"):
        st.markdown(f"### {t('votes.title')}")
        st.markdown(t("votes.left", left=left, dots=rules.dots))
        names = display_names(session, rules)
        mine = {
            (v.target_owner, v.target_feature)
            for v in votes
            if v.team == team.id and (rules.mode == "team" or v.participant == participant)
        }
        the_site = site(session.site)
        for other in session.teams:
            if other.id == team.id:
                continue
            concept = store().load_latest(session.id, other.id)
            if concept is None or not concept.features:
                continue
            with st.expander(t("votes.team", name=names[other.id]), expanded=len(session.teams) <= 3):
                st.image(concept_svg(concept, the_site, width=320, height=220))
                for f in concept.features:
                    c = category(f.category)
                    size = ""
                    if f.kind == "zone":
                        size = f" · {num(the_site.frame.to_metric(f.geometry).area)} {t('unit.m2')}"
                    label = f"{c.icon} {c.label(lang())}{' · ' + md(f.label) if f.label else ''}{size}"
                    has = (other.id, f.id) in mine
                    text, col = st.columns([4, 1])
                    text.markdown(f"{'● ' if has else ''}{label}")
                    if col.button(
                        "−" if has else "+", key=f"vote_{other.id}_{f.id}_{participant}", disabled=not has and left <= 0
                    ):
                        change = retract if has else cast

                        def apply(pair, change=change, target=(other.id, f.id)):
                            if not link_still_valid(session.id, team):
                                raise AccessDenied()
                            is_open = voting_open(store().load_rounds(session.id), time.time())
                            vote = Vote(team.id, participant, *target)
                            return pair[0], change(pair[1], vote, pair[0], is_open=is_open)

                        try:
                            store().update_votes(session.id, apply)
                            st.rerun()
                        except CodesignError as err:
                            st.error(error_text(err))
