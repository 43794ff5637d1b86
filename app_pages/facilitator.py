"""The facilitator's page: create a session, hand out join links, watch concepts arrive."""

from __future__ import annotations

import datetime as dt
import html

import streamlit as st

from app_pages.common import base_url, error_text, is_facilitator, lang, md, session_picker, site, store, t
from app_pages.desks import desk_controls
from app_pages.editor_norms import pack_upload
from app_pages.facilitator_costing import costing_panel
from app_pages.paper_sheets import print_sheets
from app_pages.room import largest_zones
from codesign.analysis.figures import concept_figures
from codesign.domain.access import join_code, join_link, review_link
from codesign.domain.paper import paper_note
from codesign.domain.session import parse_team_lines
from codesign.domain.site import list_sites
from codesign.errors import CodesignError

if not is_facilitator():
    st.error(t("error.access_denied"))
    st.stop()

st.title(t("facilitator.title"))

with st.expander(t("facilitator.new_session"), expanded=not store().list_sessions()), st.form("new_session"):
    title = st.text_input(t("facilitator.session_title"), max_chars=120)
    site_ids = list_sites()
    site_names = {s: site(s).name(lang()) for s in site_ids}
    site_id = st.selectbox(t("facilitator.site"), site_ids, format_func=site_names.__getitem__)
    day = st.date_input(t("facilitator.date"), value=dt.date.today())
    teams_text = st.text_area(t("facilitator.teams"), help=t("facilitator.teams_help"), height=140)
    if st.form_submit_button(t("facilitator.create"), type="primary"):
        try:
            created = store().create_session(site=site_id, title=title, teams=parse_team_lines(teams_text), day=day)
            st.session_state.current_session = created.id
            st.success(t("facilitator.created", title=created.title))
        except CodesignError as err:
            st.error(error_text(err))

desk_controls()  # sign out this desk or every desk (the desk survives reloads: app_pages/desks.py)
session = session_picker("facilitator_session")
if session is None:
    st.stop()
the_site = site(session.site)
st.caption(md(f"{the_site.name(lang())} · {the_site.city(lang())}, {the_site.region(lang())}"))
if the_site.illustrative or session.illustrative:
    st.caption(":material/info: " + the_site.notice(lang()))

damaged = store().damaged_versions(session.id)
if damaged:
    with st.container(key="damaged_versions"):
        st.warning(t("facilitator.damaged", count=len(damaged)), icon=":material/healing:")
        st.table(
            [
                {t("facilitator.team"): md(owner), t("facilitator.file"): md(name), t("plan.reason"): md(reason)}
                for owner, name, reason in damaged
            ]
        )

with st.expander(t("costing.title")):
    costing_panel(session)

st.subheader(t("facilitator.join_links"))
st.caption(t("facilitator.join_help", url=base_url()))


def reissue(who: str) -> None:
    store().reissue_token(session.id, who)
    st.session_state.reissued = who


if "reissued" in st.session_state:
    st.success(t("facilitator.reissued"))
    del st.session_state["reissued"]
for team in session.teams:
    name_col, button_col = st.columns([4, 1], vertical_alignment="center")
    name_col.html(
        f"<span style='color:{team.colour};font-size:1.4em'>●</span> <b>{html.escape(team.name)}</b>"
        f" · <code>{join_code(team.token)}</code>"
    )
    button_col.button(
        t("facilitator.reissue"),
        key=f"reissue_{team.id}",
        on_click=reissue,
        args=(team.id,),
        help=t("facilitator.reissue_help"),
    )
    st.code(join_link(base_url(), session.id, team.token), language=None)

st.subheader(t("facilitator.review_link"))
st.caption(t("facilitator.review_help"))
if session.review_token:
    st.code(review_link(base_url(), session.id, session.review_token), language=None)
st.button(t("facilitator.reissue_review"), key="reissue_reviewer", on_click=reissue, args=("reviewer",))

st.subheader(t("paper.print.heading"))
print_sheets(session, "facilitator_print")


@st.fragment(run_every=5)
def live_concepts() -> None:
    """Every team's latest saved concept, refreshed every few seconds."""
    st.subheader(t("facilitator.live"))
    rows = []
    for team in session.teams:
        concept = store().load_latest(session.id, team.id)
        if concept is None:
            rows.append(
                {
                    t("facilitator.team"): md(team.name),
                    t("facilitator.version"): "—",
                    t("facilitator.saved"): "—",
                    t("facilitator.summary"): t("facilitator.nothing_yet"),
                }
            )
            continue
        figures = concept_figures(concept, the_site.frame)
        summary = largest_zones(figures)
        amenities = sum(figures.amenity_count.values())
        rows.append(
            {
                t("facilitator.team"): md(team.name),
                t("facilitator.version"): " · ".join(filter(None, (str(concept.version), paper_note(concept, lang())))),
                t("facilitator.saved"): (concept.saved_at or "")[11:19],
                t(
                    "facilitator.summary"
                ): f"{md(concept.title)} — {summary}; {t('facilitator.amenities', count=amenities)}",
            }
        )
    st.table(rows)


pack_upload(session)
live_concepts()
