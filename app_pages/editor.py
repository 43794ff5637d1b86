"""The concept editor shared by the team sketch page and the joint vision: palette, map,
figures, feature editor, versions.

Every change is saved at once as a new version; the drawing stays in this browser
session when a save fails, with a retry. What happens on each action (saving, undo,
conflicts, the write gate's refusals) is :class:`codesign.domain.editing.EditSession`'s;
this page reads the widgets, calls it and shows where it stands.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from datetime import datetime
from typing import Protocol

import streamlit as st
import streamlit_folium

from app_pages.common import (
    error_text,
    facilitator_gate,
    lang,
    md,
    num,
    site,
    site_context,
    store,
    t,
    t_text,
    view_map,
)
from app_pages.editor_cost import cost_panel, feature_provenance
from app_pages.editor_disputes import dispute_ballot
from app_pages.editor_norms import norm_badges, norm_outline
from app_pages.room import countdown, room_fingerprint, watch
from app_pages.votes import vote_panel
from codesign.analysis.figures import concept_figures, zone_overlaps
from codesign.domain.concept import MAX_DESCRIPTION, MAX_LABEL, MAX_NOTE, MAX_TITLE
from codesign.domain.editing import (
    DEFAULT_CATEGORIES,
    EditorMode,
    EditSession,
    EditStatus,
    Resolution,
    Status,
    editor_mode,
)
from codesign.domain.notices import Notice
from codesign.domain.rounds import RoundState
from codesign.domain.session import Session
from codesign.domain.site import Site
from codesign.domain.taxonomy import KINDS, Kind, categories, category
from codesign.errors import CodesignError
from codesign.render.folium_language import language_layer
from codesign.render.folium_maps import concept_layer, sketch_map
from codesign.render.icons import streamlit_icon
from codesign.services.gate import WriteGate, Writer, WriteRefused


class Owner(Protocol):
    """Whose concept is edited: a team, or the joint vision."""

    id: str
    name: str


def editor_key(session_id: str, owner: str = "") -> str:
    """Where this browser session keeps its :class:`EditSession` (``owner`` "" gives the session's prefix)."""
    return f"editor:{session_id}:{owner}"


def was_editing(session_id: str) -> bool:
    """Whether this browser session has edited a concept of that session (a tablet whose link then stopped)."""
    return any(str(key).startswith(editor_key(session_id)) for key in st.session_state)


def run_editor(session: Session, team: Owner, *, in_room: bool = True) -> None:
    """Edit ``team``'s concept in ``session`` (``team`` has ``id`` and ``name``).

    ``in_room``: the workshop's rounds apply (a team's tablet): editing locks outside sketch
    rounds, the vote panel opens in vote rounds, the tablet reports it is connected.
    """
    the_site = site(session.site)
    room_seen = room_fingerprint(session.id)  # before the rounds are read: a change while drawing reruns the page
    rounds = store().load_rounds(session.id)
    mode = editor_mode(rounds, time.time(), in_room=in_room)
    editing = editing_session(session, team, in_room)
    header(editing, team, the_site)
    messages(editing, the_site)
    if in_room:
        dispute_ballot(session, team)  # while the facilitator's dispute vote is open
    map_and_palette(editing, session, team, the_site, rounds, mode, in_room=in_room)
    figures_col, feature_col = st.columns([1, 1], gap="medium")
    with figures_col, st.container(key="figures"):
        figures_table(editing, the_site)
        cost_panel(editing.concept, session, the_site)
    with figures_col:
        norm_badges(editing.concept, session, the_site, team.id)
    if editing.concept.features:
        with feature_col:
            feature_panel(editing, mode)
            feature_provenance(editing.concept, session)
    concept_words(editing, mode)
    with st.expander(t("versions.title")):
        versions_panel(editing, session, team, the_site, mode)
    if in_room:  # last: the room watcher (a fragment)
        watch_room(session, team, editing, room_seen)


def editing_session(session: Session, team: Owner, in_room: bool) -> EditSession:
    """This browser session's editing of ``team``'s concept, with this run's write gate."""
    if in_room:
        gate = WriteGate(store(), session.id, Writer.team(team.id, getattr(team, "token", None)))
    else:
        gate = facilitator_gate(session.id)  # the joint vision: the facilitator's, checked on every write
    key = editor_key(session.id, team.id)
    if key not in st.session_state:
        st.session_state[key] = EditSession.open(
            gate, lambda: store().load_latest(session.id, team.id), owner=team.id, site=session.site
        )
    editing: EditSession = st.session_state[key]
    editing.gate = gate
    return editing


def say(notice: Notice) -> str:
    """A notice in the user's language, as markdown (its values escaped)."""
    return t(notice.key, **notice.params)


def reason_text(reason: Notice | str | None) -> str:
    """A failure's reason as plain text (a parameter of another message)."""
    return t_text(reason.key, **reason.params) if isinstance(reason, Notice) else str(reason or "")


def local_time(iso: str | None) -> str:
    """An ISO time as the venue's clock shows it (HH:MM:SS)."""
    return datetime.fromisoformat(iso).astimezone().strftime("%H:%M:%S") if iso else ""


def category_names() -> dict[str, str]:
    """Category id -> its icon and name in the user's language."""
    return {c.id: f"{streamlit_icon(c.icon)} {c.label(lang())}" for c in categories()}


def selected_categories() -> dict[Kind, str]:
    """The category the palette has picked for each kind."""
    return {kind: st.session_state.get(f"pick_{kind}") or DEFAULT_CATEGORIES[kind] for kind in KINDS}


# ---------------------------------------------------------------------- header and save state
def header(editing: EditSession, team: Owner, the_site: Site) -> None:
    """The concept's name and where its saving stands (with retry and conflict choices)."""
    title_col, status_col = st.columns([3, 2], vertical_alignment="center")
    with title_col:
        st.subheader(f"{md(team.name)} · {md(the_site.name(lang()))}", anchor=False)
    with status_col, st.container(key="save_status"):
        save_status(editing)
    if the_site.illustrative:
        st.caption(":material/info: " + the_site.notice(lang()))


def save_status(editing: EditSession) -> None:
    """Saved (version, time), failed (why, retry), a conflict (merge, theirs, mine) or as opened."""
    status: Status = editing.status
    if status.kind is EditStatus.SAVED:
        st.success(
            t("save.saved", version=status.version, time=local_time(status.saved_at)), icon=":material/check_circle:"
        )
    elif status.kind is EditStatus.FAILED:
        st.error(t("save.failed_retry", reason=reason_text(status.reason)), icon=":material/error:")
        st.button(t("save.retry"), on_click=editing.retry, type="primary", key="retry")
    elif status.kind is EditStatus.CONFLICT:
        st.warning(t("save.conflict", latest=status.version), icon=":material/merge:")
        choices = {
            Resolution.MERGE: "save.merge",
            Resolution.TAKE_THEIRS: "save.reload",
            Resolution.KEEP_MINE: "save.keep_mine",
        }
        for column, (choice, label) in zip(st.columns(3), choices.items(), strict=True):
            column.button(t(label), on_click=editing.resolve, args=(choice,), key=choice.value)
    elif editing.concept.version:
        st.info(t("save.loaded", version=editing.concept.version), icon=":material/folder_open:")
    else:
        st.info(t("save.nothing_yet"), icon=":material/edit_note:")


def messages(editing: EditSession, the_site: Site) -> None:
    """What the last action has to say, and which zones overlap."""
    with st.container(key="messages"):
        for message in editing.messages:
            getattr(st, message.level)(say(message.notice))
        concept = editing.concept
        for a, b, area in zone_overlaps(concept, the_site.frame):
            fa, fb = concept.feature(a), concept.feature(b)
            st.warning(
                t(
                    "sketch.overlap",
                    a=f"{a} {category(fa.category).label(lang())}",
                    b=f"{b} {category(fb.category).label(lang())}",
                    area=num(area),
                )
            )


# ---------------------------------------------------------------------- map and palette
def map_and_palette(
    editing: EditSession,
    session: Session,
    team: Owner,
    the_site: Site,
    rounds: RoundState,
    mode: EditorMode,
    *,
    in_room: bool,
) -> None:
    """The round's countdown and lock, the palette (or the vote panel), the map and Undo."""
    if in_room:
        countdown(rounds)
        if mode.locked:
            with st.container(key="locked"):
                st.info(t("room.locked", round=rounds.round.name if rounds.round else ""), icon=":material/lock:")
    map_key = f"map:{session.id}:{team.id}"

    def on_map_change() -> None:
        """Runs before the script when the map reports drawings: apply them and save."""
        value = st.session_state.get(map_key) or {}
        drawn = editing.draw(value.get("all_drawings"), the_site.frame, selected_categories())
        if drawn.new_feature:
            st.session_state["feature_pick"] = drawn.new_feature

    map_col, palette_col = st.columns([5, 3], gap="small")
    with palette_col, st.container(key="palette"):
        palette(session, team, mode)
    with map_col:
        streamlit_folium.st_folium(
            sketch_map(the_site, lang(), context=site_context(the_site.id), editable=not mode.locked),
            key=map_key,
            # the editable map's words are a layer: switching language keeps the view and a half-drawn shape
            feature_group_to_add=[
                concept_layer(editing.concept, lang()),
                norm_outline(editing.concept, session, the_site, team.id),
            ]
            + ([] if mode.locked else [language_layer(the_site, lang())]),
            returned_objects=["all_drawings"],
            use_container_width=True,
            height=620,
            on_change=on_map_change,
        )
        st.button(
            t("sketch.undo"),
            on_click=editing.undo,
            disabled=mode.locked or not editing.can_undo,
            key="undo",
            icon=":material/undo:",
        )


def palette(session: Session, team: Owner, mode: EditorMode) -> None:
    """The category pickers while drawing is open, the vote panel in a vote round."""
    if mode.voting:
        vote_panel(session, team)
    elif not mode.locked:
        st.markdown(t("sketch.how_to"))
    names = category_names()
    for kind in KINDS if not (mode.locked or mode.voting) else ():
        st.pills(
            t(f"kind.{kind}"),
            [c.id for c in categories(kind)],
            default=selected_categories()[kind],
            format_func=names.__getitem__,
            key=f"pick_{kind}",
            selection_mode="single",
        )


# ---------------------------------------------------------------------- figures
def figures_table(editing: EditSession, the_site: Site) -> None:
    """Areas, lengths and counts by category, and the site's area."""
    figures = concept_figures(editing.concept, the_site.frame)
    names = category_names()
    st.markdown(f"#### {t('figures.title')}")
    measured = [
        (cid, f"{num(a)} {t('unit.m2')}", f"{num(100 * figures.zone_share(cid), 1)} %")
        for cid, a in figures.zone_area_m2.items()
    ]
    measured += [(cid, f"{num(m)} {t('unit.m')}", "") for cid, m in figures.path_length_m.items()]
    measured += [(cid, f"{n} {t('unit.pcs')}", "") for cid, n in figures.amenity_count.items()]
    rows = [
        {t("figures.category"): names[cid], t("figures.value"): value, t("figures.share"): share}
        for cid, value, share in measured
    ]
    if rows:
        st.table(rows)
    else:
        st.caption(t("figures.empty"))
    st.caption(t("figures.site_area", area=num(figures.site_area_m2)))


# ---------------------------------------------------------------------- changes made in forms and buttons
def apply_change(change: Callable[[], Status]) -> None:
    """Make a change the page's own form or button asked for; rerun to show it, or say why not."""
    try:
        status = change()
    except CodesignError as err:
        st.error(error_text(err))
        return
    if status.kind is EditStatus.INVALID and isinstance(status.reason, Notice):
        st.error(say(status.reason))
        return
    st.rerun()


def feature_panel(editing: EditSession, mode: EditorMode) -> None:
    """One feature: its category (within its kind), label and note; delete it."""
    features = editing.concept.features
    names = category_names()
    st.markdown(f"#### {t('feature.title')}")
    labels = {
        f.id: f"{f.id} · {category(f.category).label(lang())}" + (f" · {f.label}" if f.label else "") for f in features
    }
    chosen = st.selectbox(
        t("feature.choose"),
        [f.id for f in features],
        format_func=labels.__getitem__,
        index=len(features) - 1,
        key="feature_pick",
    )
    feature = editing.concept.feature(chosen)
    with st.form(f"feature_form_{chosen}"):
        same_kind = [c.id for c in categories(feature.kind)]
        new_category = st.selectbox(
            t("feature.category"),
            same_kind,
            index=same_kind.index(feature.category),
            format_func=names.__getitem__,
        )
        new_label = st.text_input(t("feature.label"), value=feature.label, max_chars=MAX_LABEL)
        new_note = st.text_area(t("feature.note"), value=feature.note, max_chars=MAX_NOTE, height=80)
        if st.form_submit_button(t("feature.apply"), type="primary", disabled=mode.locked):
            apply_change(lambda: editing.edit_feature(chosen, category_id=new_category, label=new_label, note=new_note))
    if st.button(t("feature.delete"), key=f"delete_{chosen}", icon=":material/delete:", disabled=mode.locked):
        apply_change(lambda: editing.delete_feature(chosen))


def concept_words(editing: EditSession, mode: EditorMode) -> None:
    """The concept's title and description."""
    st.markdown(f"#### {t('concept.our_idea')}")
    with st.form("concept_meta"):
        title = st.text_input(t("concept.title"), value=editing.concept.title, max_chars=MAX_TITLE)
        description = st.text_area(
            t("concept.description"), value=editing.concept.description, max_chars=MAX_DESCRIPTION, height=120
        )
        if st.form_submit_button(t("concept.save"), type="primary", disabled=mode.locked):
            apply_change(lambda: editing.edit_metadata(title=title, description=description))


# ---------------------------------------------------------------------- versions
def versions_panel(editing: EditSession, session: Session, team: Owner, the_site: Site, mode: EditorMode) -> None:
    """The stored versions: preview one on a read-only map, or restore it."""
    versions = store().versions(session.id, team.id)
    if not versions:
        st.caption(t("versions.none"))
        return
    version_names = {
        v.version: t_text("versions.item", version=v.version, time=local_time(v.saved_at)) for v in reversed(versions)
    }
    pick = st.selectbox(
        t("versions.choose"), list(version_names), format_func=version_names.__getitem__, key="version_pick"
    )
    show, restore = st.columns(2)
    preview = show.toggle(t("versions.show"), key="version_preview")
    if restore.button(t("versions.restore"), key="restore", icon=":material/history:", disabled=mode.locked):
        apply_change(lambda: editing.restore(store().load_version(session.id, team.id, pick)))
    if preview:
        try:
            old = store().load_version(session.id, team.id, pick)
            st.caption(t("versions.preview", version=pick))
            view_map(the_site, f"preview:{session.id}:{team.id}", concept_layer(old, lang()))
        except CodesignError as err:
            st.error(error_text(err))


# ---------------------------------------------------------------------- the room watcher
def watch_room(session: Session, team: Owner, editing: EditSession, room_seen: Hashable) -> None:
    """Rerun the tablet when the room's state changes or its link stops working; report it is connected."""
    gate = editing.gate

    def link_works() -> bool:
        try:
            gate.check_link()
        except WriteRefused:
            return False
        return True

    def seen() -> tuple:
        """What makes the tablet rerun: the room's state, and whether its link still works."""
        return room_fingerprint(session.id), link_works()

    watch(seen, (room_seen, link_works()), heartbeat=(session.id, team.id))
