"""Projector mode: join screen, rounds with a big countdown, live gallery, votes.

Large type and high contrast, readable from the back of a hall.
"""

from __future__ import annotations

import io
import time

import segno
import streamlit as st

from app_pages.common import base_url, desk_page, error_text, lang, md, num, site, store, t
from app_pages.room import countdown, largest_zones, room_fingerprint, watch
from app_pages.votes import display_names, target_label
from codesign.analysis.figures import concept_figures
from codesign.domain.access import join_code, join_link
from codesign.domain.paper import from_paper, paper_note
from codesign.domain.presence import connected_teams, team_activity
from codesign.domain.rounds import (
    ROUND_ACTIONS,
    ROUND_KINDS,
    RoundPlan,
    RoundState,
    available_actions,
    effective_status,
    end,
    pause,
    plan_text,
    reopen,
    resume,
    start,
)
from codesign.domain.session import Session
from codesign.domain.votes import VotingRules, tally
from codesign.errors import CodesignError
from codesign.render.svg import concept_svg

#: How often the projector looks for new versions (s): a team's save reaches the gallery within this.
PROJECTOR_WATCH_S = 1

PROJECTOR_CSS = """
<style>
.block-container { max-width: 100% !important; padding-top: 3rem; }
.block-container p, .block-container li, .block-container td, .block-container th,
.block-container label, .block-container button { font-size: 1.35rem !important; }
.block-container h1 { font-size: 3rem !important; }
.block-container h3 { font-size: 2rem !important; }
.cd-code { font: 700 2.6rem/1.2 ui-monospace, monospace; letter-spacing: 0.08em; color: #000; }
</style>
"""

session = desk_page(None, "projector_session")
st.html(PROJECTOR_CSS)
views = {
    "join": t("projector.join"),
    "rounds": t("projector.rounds"),
    "gallery": t("projector.gallery"),
    "votes": t("projector.votes"),
}
view = (
    st.segmented_control(
        t("projector.view"),
        list(views),
        format_func=views.__getitem__,
        default="join",
        key="projector_view",
        label_visibility="collapsed",
    )
    or "join"
)


def fingerprint() -> tuple:
    """Everything the projector shows that tablets can change."""
    return (
        room_fingerprint(session.id),
        tuple(store().latest_version(session.id, team.id) for team in session.teams),
        store().load_votes(session.id),
        tuple(connected_teams(store().presence(session.id), time.time())),  # a tablet joins or leaves
    )


# Taken before anything is read to show: a save landing while the page draws changes it, and the
# watcher reruns the page (taken after, that save would wait for the next change to show).
seen = fingerprint()
rounds = store().load_rounds(session.id)
rules, votes = store().load_votes(session.id)
names = display_names(session, rules)
countdown(rounds, size=72, key="projector_countdown")


def qr_png(link: str) -> bytes:
    """A QR code for a join link, made offline."""
    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="png", scale=8, border=2)
    return buffer.getvalue()


def join_view(session: Session) -> None:
    st.markdown(f"### {md(session.title)}")
    st.markdown(t("projector.join_help", url=base_url()))
    columns = st.columns(min(4, max(1, len(session.teams))))
    for i, team in enumerate(session.teams):
        with columns[i % len(columns)], st.container(border=True, key=f"join_{team.id}"):
            st.markdown(f"#### {md(team.name)}")
            st.image(qr_png(join_link(base_url(), session.id, team.token)), width=260)
            st.html(f"<div class='cd-code'>{join_code(team.token)}</div>")


def rounds_view(session: Session, state: RoundState) -> None:
    now = time.time()
    with st.expander(t("projector.define_rounds"), expanded=not state.plan.rounds), st.form("rounds_form"):
        default = plan_text(state.plan) or t("projector.example")
        text = st.text_area(
            t("projector.rounds_lines"),
            value=default,
            height=160,
            help=t("projector.rounds_help", kinds=", ".join(ROUND_KINDS)),
        )
        if st.form_submit_button(t("projector.save_rounds"), type="primary"):
            try:
                plan = RoundPlan.parse(text)
                store().update_rounds(session.id, lambda s: RoundState(plan=plan))
                st.rerun()
            except CodesignError as err:
                st.error(error_text(err))
    status = effective_status(state, now)
    for index, r in enumerate(state.plan.rounds):
        current = index == state.current
        marker = (
            ":material/play_arrow:"
            if current and status in ("running", "paused")
            else (":material/check:" if current else "")
        )
        left, right = st.columns([4, 2])
        left.markdown(f"{marker} **{md(r.name)}** · {num(r.minutes)} {t('unit.min')} · {t(f'round.kind.{r.kind}')}")
        if right.button(t("projector.start"), key=f"start_round_{index}"):
            store().update_rounds(session.id, lambda s, i=index: start(s, i, time.time()))
            st.rerun()
    if state.round is not None:
        allowed = available_actions(state, now)
        transitions = {"pause": pause, "resume": resume, "end": end, "reopen": reopen}
        for column, name in zip(st.columns(len(ROUND_ACTIONS)), ROUND_ACTIONS, strict=True):
            transition = transitions[name]
            if column.button(t(f"projector.{name}"), key=f"round_{name}", disabled=name not in allowed, type="primary"):
                try:
                    store().update_rounds(session.id, lambda s, f=transition: f(s, time.time()))
                    st.rerun()
                except CodesignError as err:
                    st.error(error_text(err))


def gallery_view(session: Session) -> None:
    the_site = site(session.site)
    now = time.time()
    connected = set(connected_teams(store().presence(session.id), now))
    show_anonymous = st.toggle(t("projector.anonymous"), value=rules.anonymous, key="projector_anonymous")
    if show_anonymous != rules.anonymous:
        store().update_votes(session.id, lambda rv: (VotingRules(rv[0].dots, rv[0].mode, show_anonymous), rv[1]))
        st.rerun()
    columns = st.columns(min(3, max(1, len(session.teams))))
    for i, team in enumerate(session.teams):
        concept = store().load_latest(session.id, team.id)
        with columns[i % len(columns)], st.container(border=True, key=f"gallery_{team.id}"):
            activity = team_activity(concept.saved_at if concept else None, team.id in connected, now)
            st.markdown(f"#### {md(names[team.id])}  \n{t(f'projector.{activity.value}')}")
            if concept is None:
                st.caption(t("facilitator.nothing_yet"))
                continue
            st.image(concept_svg(concept, the_site, width=480, height=330), use_container_width=True)
            figures = concept_figures(concept, the_site.frame)
            st.markdown(
                t(
                    "projector.card",
                    version=concept.version,
                    features=len(concept.features),
                    amenities=sum(figures.amenity_count.values()),
                )
                + "  \n"
                + largest_zones(figures)
            )
            if from_paper(concept):
                st.caption(":material/edit_document: " + md(paper_note(concept, lang())))
            if st.button(t("projector.open"), key=f"open_{team.id}"):
                full_screen(names[team.id], concept_svg(concept, the_site, width=1400, height=900))


@st.dialog(" ", width="large")
def full_screen(name: str, svg: str) -> None:
    st.markdown(f"### {md(name)}")
    st.image(svg, use_container_width=True)


def votes_view(session: Session) -> None:
    with st.expander(t("projector.vote_rules")), st.form("vote_rules"):
        dots = st.number_input(t("projector.dots"), 1, 20, rules.dots)
        modes = {"team": t("projector.mode_team"), "participant": t("projector.mode_participant")}
        mode = st.radio(
            t("projector.mode"),
            list(modes),
            format_func=modes.__getitem__,
            index=list(modes).index(rules.mode),
            horizontal=True,
        )
        if st.form_submit_button(t("projector.save_rules"), type="primary"):
            store().update_votes(session.id, lambda rv: (VotingRules(int(dots), mode, rv[0].anonymous), rv[1]))
            st.rerun()
    counts = tally(votes)
    st.markdown(f"### {t('projector.tally', count=len(votes))}")
    rows = []
    for (owner, feature_id), dots_count in counts.items():
        label = target_label(session, owner, feature_id)
        rows.append(
            {
                t("facilitator.team"): md(names.get(owner, owner)),
                t("projector.shape"): label,
                t("projector.dots_col"): "●" * dots_count + f"  {dots_count}",
            }
        )
    with st.container(key="vote_tally"):
        if rows:
            st.table(rows)
        else:
            st.caption(t("projector.no_votes"))


if view == "join":
    join_view(session)
elif view == "rounds":
    rounds_view(session, rounds)
elif view == "gallery":
    gallery_view(session)
else:
    votes_view(session)


watch(fingerprint, seen, every=PROJECTOR_WATCH_S)
