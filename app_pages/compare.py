"""The comparison page (for the projector): a concept against the plan or another team."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages.common import desk_page, lang, legend, md, num, site, store, t, t_text, view_map
from app_pages.compare_cost import cost_comparison, reasons_panel
from app_pages.editor_norms import checks_side_by_side
from codesign.analysis.compare import agreement_map, category_label, compare_concepts, describe
from codesign.analysis.session import owner_name
from codesign.domain.paper import from_paper, paper_note
from codesign.domain.session import PLAN_OWNER, VISION_OWNER
from codesign.render.folium_maps import Styled, concept_layer, styled_layer
from codesign.render.styles import AGREEMENT_COLOURS, AGREEMENT_OPACITY_SCREEN
from codesign.render.text import format_kappa, format_percent

session = desk_page(None, "compare_session", reviewer_ok=True)
the_site = site(session.site)

owners = {o: owner_name(session, o, lang()) for o in [*(team.id for team in session.teams), VISION_OWNER, PLAN_OWNER]}
concepts = {owner: store().load_latest(session.id, owner) for owner in owners}
available = [owner for owner, concept in concepts.items() if concept is not None]
st.title(t("compare.title"))
teams_with_work = [o for o in available if o != PLAN_OWNER]
if not teams_with_work or len(available) < 2:
    st.info(t("compare.need_two"))
    st.stop()

left, right = st.columns(2)
a_id = left.selectbox(t("compare.concept"), teams_with_work, format_func=owners.__getitem__, key="compare_a")
b_choices = [o for o in available if o != a_id]
b_default = b_choices.index(PLAN_OWNER) if PLAN_OWNER in b_choices else 0
b_id = right.selectbox(
    t("compare.against"), b_choices, index=b_default, format_func=owners.__getitem__, key="compare_b"
)
a, b = concepts[a_id], concepts[b_id]
result = compare_concepts(a, b, the_site.frame)
name_a, name_b = owners[a_id], owners[b_id]

with st.container(key="compare_figures"):
    m1, m2, m3 = st.columns(3)
    m1.metric(t("compare.agreement"), format_percent(result.agreement, lang(), 0), help=t("compare.agreement_help"))
    m2.metric(t("compare.kappa"), format_kappa(result.kappa, lang()), help=t("compare.kappa_help"))
    m3.metric(t("compare.designed"), f"{num(result.designed_m2)} {t('unit.m2')}")
    st.markdown(f"#### {t('compare.main_differences')}")
    for notice in result.sentences():
        st.markdown(f"- {md(describe(notice, lang()))}")

checks_side_by_side(session, the_site, (name_a, a), (name_b, b))

map_a, map_b = st.columns(2)
for column, side, concept, name in ((map_a, "a", a, name_a), (map_b, "b", b, name_b)):
    with column:
        paper = f" · :material/edit_document: {md(paper_note(concept, lang()))}" if from_paper(concept) else ""
        st.markdown(f"**{md(name)}**" + paper)
        view_map(the_site, f"compare_map_{side}_{session.id}_{a_id}_{b_id}", concept_layer(concept, lang()))

st.markdown(f"#### {t('compare.overlay')}")
states = agreement_map(a, b, the_site.frame)
labels = {
    "same": t("compare.state.same"),
    "a_only": t_text("compare.state.a_only", name=name_a),  # plain text: the legend and map tooltips
    "b_only": t_text("compare.state.b_only", name=name_b),
    "different": t("compare.state.different"),
}
legend([(colour, labels[state]) for state, colour in AGREEMENT_COLOURS.items()])
view_map(
    the_site,
    f"compare_overlay_{session.id}_{a_id}_{b_id}",
    styled_layer(Styled(geom, AGREEMENT_COLOURS[s], labels[s], AGREEMENT_OPACITY_SCREEN) for s, geom in states.items()),
    520,
)

st.markdown(f"#### {t('compare.by_category')}")
rows = []
for cid, fig in result.categories.items():
    rows.append(
        {
            t("figures.category"): category_label(cid, lang()),
            md(name_a): f"{num(fig.a_m2)} {t('unit.m2')}",
            md(name_b): f"{num(fig.b_m2)} {t('unit.m2')}",
            t("compare.intersection"): f"{num(fig.intersection_m2)} {t('unit.m2')}",
            t("compare.iou"): num(fig.iou, 2),
            t("compare.added"): f"{num(fig.added_m2)} {t('unit.m2')}",
            t("compare.removed"): f"{num(fig.removed_m2)} {t('unit.m2')}",
        }
    )
table_col, chart_col = st.columns([3, 2])
with table_col, st.container(key="compare_table"):
    st.table(rows)
with chart_col:
    chart = pd.DataFrame(
        {name_a: [f.a_m2 for f in result.categories.values()], name_b: [f.b_m2 for f in result.categories.values()]},
        index=[category_label(c, lang()) for c in result.categories],
    )
    st.bar_chart(chart, horizontal=True, stack=False, y_label="", x_label=t("unit.m2"), height=420)

cost_comparison(session, (a, b), (name_a, name_b), the_site)
reasons_panel(session, a_id, b_id, result)

st.markdown(f"#### {t('compare.zones')}")
zone_rows = []
for zone in result.zones:
    shares = ", ".join(
        f"{category_label(c, lang())} {format_percent(s, lang(), 0)}" for c, s in list(zone.shares.items())[:3]
    )
    zone_rows.append(
        {
            t("compare.zone"): f"{zone.id} · {category_label(zone.category, lang())}",
            t("figures.value"): f"{num(zone.area_m2)} {t('unit.m2')}",
            t("compare.outcome"): t(f"compare.outcome.{zone.outcome}"),
            t("compare.there"): shares,
        }
    )
st.table(zone_rows)

st.markdown(f"#### {t('compare.amenities')}")
matched = result.matched_counts()
amenity_rows = [
    {
        t("figures.category"): category_label(cid, lang()),
        md(name_a): ca,
        md(name_b): cb,
        t("compare.matched"): matched[cid],
    }
    for cid, (ca, cb) in result.amenity_counts.items()
]
st.caption(t("compare.match_rule", distance=num(result.match_distance_m)))
if amenity_rows:
    st.table(amenity_rows)
