"""Bring in the akimat's plan (or a concept drawn elsewhere): upload, map categories, check, save."""

from __future__ import annotations

import hashlib

import streamlit as st

from app_pages.common import desk_page, error_text, facilitator_gate, lang, md, site, t, t_text, view_map
from app_pages.import_summary import import_summary
from codesign.domain.session import PLAN_OWNER
from codesign.domain.taxonomy import categories
from codesign.errors import CodesignError
from codesign.io import DEFAULT_LIMITS, FORMATS, ImportedFile, build_concept, read_file, suggest_mapping
from codesign.render.folium_maps import concept_layer

UNMAPPED = ""

session = desk_page("plan.title", "plan_session")
the_site = site(session.site)

owners = {PLAN_OWNER: t_text("compare.plan")} | {
    team.id: t_text("plan.for_team", name=team.name)  # plain: select-box options and a parameter of plan.saved
    for team in session.teams
}
owner = st.selectbox(t("plan.what"), list(owners), format_func=owners.__getitem__, key="plan_owner")
st.caption(t("plan.formats", formats=", ".join(FORMATS), mb=DEFAULT_LIMITS.max_bytes // (1024 * 1024)))
upload = st.file_uploader(
    t("plan.file"), key="plan_file", type=["geojson", "json", "kml", "kmz", "gpkg", "zip", "dxf", "osm"]
)
epsg = st.text_input(
    t("plan.crs"),
    key="plan_crs",
    placeholder=f"EPSG:{the_site.frame.crs.to_epsg()}",
    help=t("plan.crs_help", epsg=the_site.frame.crs.to_epsg()),
    max_chars=20,
)
if upload is None:
    st.info(t("plan.waiting"))
    st.stop()

data = upload.getvalue()
crs = epsg.strip() or None
cache_key = (hashlib.sha256(data).hexdigest(), upload.name, crs, session.site)
if st.session_state.get("plan_read_key") != cache_key:
    try:
        st.session_state.plan_read = read_file(data, upload.name, crs=crs, site=the_site)
    except CodesignError as err:
        st.session_state.plan_read = err
    st.session_state.plan_read_key = cache_key
imported: ImportedFile | CodesignError = st.session_state.plan_read
if isinstance(imported, CodesignError):
    with st.container(key="plan_error"):
        st.error(error_text(imported), icon=":material/block:")
    st.stop()

st.success(
    t(
        "plan.read",
        file=imported.file_name,
        format=imported.format,
        crs=imported.source_crs,
        count=len(imported.features),
    )
)
for notice in imported.notices:
    st.info(t(notice.key, **notice.params))

suggestion = suggest_mapping(imported)
attribute = st.selectbox(
    t("plan.attribute"),
    list(imported.attributes) or [suggestion.attribute],
    index=(list(imported.attributes).index(suggestion.attribute) if suggestion.attribute in imported.attributes else 0),
    help=t("plan.attribute_help"),
    key=f"plan_attribute_{cache_key[0][:12]}",
)
if attribute != suggestion.attribute:
    suggestion = suggest_mapping(imported, attribute)

st.markdown(f"#### {t('plan.mapping')}")
st.caption(t("plan.mapping_help"))
mapping: dict[str, str | None] = {}
with st.container(key="plan_mapping"):
    for index, (value, info) in enumerate(sorted(suggestion.values.items(), key=lambda kv: -kv[1].count)):
        options = [UNMAPPED] + [c.id for c in categories() if not info.kinds or c.kind in info.kinds]
        names = {UNMAPPED: t("plan.not_mapped")} | {c.id: c.label(lang()) for c in categories()}
        left, right = st.columns([2, 3])
        left.markdown(
            f"**{md(value or t('plan.empty_value'))}** · {info.count} · "
            + ", ".join(t(f"plan.kind.{k}") for k in info.kinds)
        )
        chosen = right.selectbox(
            t("plan.category_for", value=value[:40]),
            options,
            index=options.index(info.suggested) if info.suggested in options else 0,
            format_func=names.__getitem__,
            key=f"plan_map_{cache_key[0][:12]}_{attribute}_{index}",
            label_visibility="collapsed",
        )
        mapping[value] = chosen or None

title = st.text_input(
    t("plan.concept_title"), value=t("compare.plan") if owner == PLAN_OWNER else "", max_chars=120, key="plan_title"
)
result = build_concept(imported, attribute=attribute, mapping=mapping, site=the_site, team=owner, title=title)

st.markdown(f"#### {t('plan.preview')}")
st.caption(t("plan.preview_help"))
import_summary(result, the_site, "plan_summary")
for i, notice in result.notices[:20]:
    st.caption(f"{i}: {t(notice.key, **notice.params)}")
view_map(the_site, f"plan_preview_{session.id}_{cache_key[0][:12]}", concept_layer(result.concept, lang()), 520)
if st.button(t("plan.accept"), type="primary", disabled=not result.concept.features, key="plan_accept"):
    try:
        saved = facilitator_gate(session.id).save_concept(owner, result.concept, base_version=None)
        st.success(t("plan.saved", name=owners[owner], version=saved.version))
        st.caption(t("plan.go_compare"))
    except CodesignError as err:
        st.error(error_text(err))
