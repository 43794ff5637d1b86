"""Paper sheets: print them; upload a photo of one, confirm what each pen colour means, save it as a concept."""

from __future__ import annotations

import hashlib
import html
from collections import Counter

import streamlit as st

from app_pages.common import desk_page, error_text, facilitator_gate, lang, num, site, store, t, t_text, view_map
from app_pages.import_summary import import_summary
from app_pages.paper_sheets import print_sheets
from codesign.domain.paper import PEN_COLOURS, PEN_SWATCHES, from_paper
from codesign.domain.taxonomy import categories, category
from codesign.errors import CodesignError
from codesign.paper.concept import marks_in_metres, scan_to_concept
from codesign.paper.layout import LEGEND
from codesign.paper.photo import MAX_PHOTO_BYTES, RESOLUTION
from codesign.render.folium_maps import Styled, styled_layer
from codesign.services.paper import PaperScan, scan_for_session

NOT_MAPPED = ""
KINDS = {"area": "zone", "dot": "amenity", "line": "path"}

session = desk_page("paper.title", "paper_session")
the_site = site(session.site)
team_names = {team.id: team.name for team in session.teams}

with st.expander(t("paper.print.heading"), expanded=False):
    print_sheets(session, "paper_print")

st.subheader(t("paper.upload.heading"))
st.caption(t("paper.upload.help", mb=MAX_PHOTO_BYTES // (1024 * 1024)))
upload = st.file_uploader(t("paper.upload.file"), type=["jpg", "jpeg", "png", "webp"], key="paper_photo")
if upload is None:
    st.info(t("paper.upload.waiting"))
    st.stop()

data = upload.getvalue()
digest = hashlib.sha256(data).hexdigest()
chosen_team = st.session_state.get("paper_team")
read_key = (digest, session.id, chosen_team)
if st.session_state.get("paper_read_key") != read_key:
    with st.spinner(t("paper.reading")):
        try:
            st.session_state.paper_read = scan_for_session(store(), session.id, data, chosen_team)
        except CodesignError as err:
            st.session_state.paper_read = err
    st.session_state.paper_read_key = read_key
found: PaperScan | CodesignError = st.session_state.paper_read
if isinstance(found, CodesignError):
    with st.container(key="paper_error"):
        st.error(error_text(found), icon=":material/block:")
    st.stop()

scan = found.scan
if scan.code is None:
    st.warning(error_text(scan.code_error) if scan.code_error else t("paper.qr_unreadable"), icon=":material/warning:")
    st.selectbox(t("paper.team"), list(team_names), format_func=team_names.__getitem__, key="paper_team", index=None)
    if found.team is None:
        st.stop()
team = found.team
assert team is not None
with st.container(key="paper_read"):
    st.success(
        t(
            "paper.read",
            sheet=scan.code.sheet if scan.code else "?",
            team=team_names[team],
            markers=scan.markers,
            seconds=num(sum(scan.seconds.values()), 1),
        )
    )

marks = marks_in_metres(scan, the_site)
kinds: dict[str, Counter[str]] = {colour: Counter() for colour in scan.colours()}
for colour, kind, _ in marks:
    kinds[colour][kind] += 1
previous = store().load_latest(session.id, team)
remembered = dict(previous.source.get("mapping") or {}) if from_paper(previous) and previous and previous.source else {}

st.markdown(f"#### {t('paper.mapping')}")
st.caption(t("paper.mapping_help"))
legend_col, choice_col = st.columns([2, 3])
y0, y1 = round(LEGEND.y0 * RESOLUTION) - 40, round(LEGEND.y1 * RESOLUTION) + 10
legend_col.image(scan.sheet[y0:y1, round(LEGEND.x0 * RESOLUTION) :, ::-1], caption=t("paper.legend_photo"))
mapping: dict[str, str | None] = {}
names = {NOT_MAPPED: t("paper.not_mapped")} | {c.id: f"{c.icon} {c.label(lang())}" for c in categories()}
with choice_col.container(key="paper_mapping"):
    for colour in scan.colours():
        wanted_kinds = {KINDS[k] for k in kinds[colour]}
        options = [NOT_MAPPED] + [c.id for c in categories() if c.kind in wanted_kinds]
        left, right = st.columns([2, 3], vertical_alignment="center")
        counted = t_text(
            "paper.marks", areas=kinds[colour]["area"], dots=kinds[colour]["dot"], lines=kinds[colour]["line"]
        )
        left.html(
            f"<span style='display:inline-block;width:22px;height:22px;background:{PEN_SWATCHES[colour]};"
            f"vertical-align:middle;border-radius:4px'></span> <b>{html.escape(t_text(f'paper.colour.{colour}'))}</b>"
            f"<br><small>{html.escape(counted)}</small>"
        )
        default = remembered.get(colour)
        mapping[colour] = (
            right.selectbox(
                t("paper.category_for", colour=t(f"paper.colour.{colour}")),
                options,
                index=options.index(default) if default in options else 0,
                format_func=names.__getitem__,
                key=f"paper_map_{digest[:12]}_{colour}",
                label_visibility="collapsed",
            )
            or None
        )

title = st.text_input(
    t("plan.concept_title"), value=previous.title if previous else "", max_chars=120, key=f"paper_title_{team}"
)
result = scan_to_concept(scan, the_site, team, mapping, title=title, photo_name=upload.name)

st.markdown(f"#### {t('paper.preview')}")
st.caption(t("paper.preview_help"))
import_summary(result, the_site, "paper_summary", list_unmapped=False)


def _label(colour: str) -> str:
    meaning = mapping.get(colour)
    shown = category(meaning).label(lang()) if meaning else t_text("paper.not_mapped")
    return f"{t_text(f'paper.colour.{colour}')} → {shown}"


shapes = [
    Styled(
        the_site.frame.to_lonlat(geometry),
        PEN_SWATCHES[colour],
        _label(colour),
        opacity=0.55 if mapping.get(colour) else 0.2,
        hatch=not mapping.get(colour),
        radius=7 if kind == "dot" else None,
        weight=2.0,
    )
    for colour, kind, geometry in marks
    if colour in PEN_COLOURS
]
view_map(the_site, f"paper_preview_{session.id}_{digest[:12]}", styled_layer(shapes), 520)
if st.button(
    t("paper.save", team=team_names[team]), type="primary", disabled=not result.concept.features, key="paper_save"
):
    try:
        saved = facilitator_gate(session.id).save_concept(team, result.concept, base_version=None)
        st.success(t("paper.saved", team=team_names[team], version=saved.version))
    except CodesignError as err:
        st.error(error_text(err))
