"""The concept editor shared by the team sketch page and the joint vision: palette, map,
figures, feature editor, versions.

Every change is saved at once as a new version; the drawing stays in this browser
session when a save fails, with a retry.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import streamlit as st
import streamlit_folium

from app_pages.common import (
    error_plain,
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
from app_pages.room import countdown, room_fingerprint, watch
from app_pages.votes import vote_panel
from codesign.analysis.figures import concept_figures, zone_overlaps
from codesign.domain.concept import (
    MAX_DESCRIPTION,
    MAX_LABEL,
    MAX_NOTE,
    MAX_TITLE,
    Concept,
    delete_feature,
    edit_feature,
    edit_metadata,
    merge_concepts,
)
from codesign.domain.drawings import apply_drawings
from codesign.domain.rounds import editing_open, voting_open
from codesign.domain.session import Session
from codesign.domain.taxonomy import KINDS, categories, category
from codesign.errors import CodesignError, SessionConflictError
from codesign.render.folium_maps import concept_layer, sketch_map
from codesign.services.gate import WriteGate, Writer, WriteRefused


@dataclass
class Editor:
    """This browser session's editing state for one team (kept in st.session_state)."""

    concept: Concept
    base: Concept  # the version this editor is based on (for conflicts and merges)
    undo: list[Concept]
    drafts: dict[str, str]
    last_drawings: Any = None
    status: tuple = ("loaded",)
    messages: tuple = ()


class Owner(Protocol):
    """Whose concept is edited: a team, or the joint vision."""

    id: str
    name: str


def run_editor(session: Session, team: Owner, *, in_room: bool = True) -> None:
    """Edit ``team``'s concept in ``session`` (``team`` has ``id`` and ``name``).

    ``in_room``: the workshop's rounds apply (a team's tablet): editing locks outside sketch
    rounds, the vote panel opens in vote rounds, the tablet reports it is connected.
    """
    the_site = site(session.site)
    frame = the_site.frame
    rounds = store().load_rounds(session.id)
    now = time.time()
    locked = in_room and not editing_open(rounds, now)
    voting = in_room and voting_open(rounds, now)
    state_key = f"editor:{session.id}:{team.id}"
    if state_key not in st.session_state:
        latest = store().load_latest(session.id, team.id) or Concept(site=session.site, team=team.id)
        st.session_state[state_key] = Editor(concept=latest, base=latest, undo=[], drafts={})
    editor: Editor = st.session_state[state_key]

    def gate() -> WriteGate:
        """The write gate for this editor: the team's link on a tablet, else the facilitator."""
        if in_room:
            return WriteGate(store(), session.id, Writer.team(team.id, getattr(team, "token", None)))
        return facilitator_gate(session.id)  # the joint vision: the facilitator's, checked on every write

    def store_version() -> None:
        """Store the editor's concept as a new version through the gate, recording the outcome.

        :class:`WriteRefused` (link, round, owner) passes up with nothing stored.
        """
        try:
            saved = gate().save_concept(team.id, editor.concept, editor.base.version)
        except WriteRefused:
            raise
        except SessionConflictError as err:
            editor.status = ("conflict", err.params.get("latest"))
            return
        except CodesignError as err:
            editor.status = ("failed", error_plain(err))  # shown through t(), which escapes it
            return
        except OSError as err:  # anything the store did not foresee: keep the drawing
            editor.status = ("failed", str(err.strerror or err))
            return
        editor.concept = saved
        editor.base = saved
        editor.status = ("saved", saved.version, saved.saved_at)

    def store_or_check() -> None:
        """Save now, or, while a conflict waits for the team's choice, only check the right to change."""
        if editor.status[0] == "conflict":
            gate().check_concept_write(team.id)
        else:
            store_version()

    def guarded(action: Callable[..., None]) -> Callable[..., None]:
        """Run an editor action; when the gate refuses it, put the editor back as it was and say why."""

        def run(*args: Any) -> None:
            before = (editor.concept, editor.base, list(editor.undo), editor.status)
            try:
                action(*args)
            except WriteRefused as err:
                editor.concept, editor.base, editor.undo, editor.status = before
                editor.messages = (("error", error_text(err)),)

        return run

    @guarded
    def save() -> None:
        """Retry: store the concept kept in this browser session."""
        store_version()

    @guarded
    def commit(new: Concept) -> None:
        """Make ``new`` the concept (undoable) and save it."""
        if new.same_content(editor.concept):
            return
        editor.undo.append(editor.concept)
        del editor.undo[:-50]
        editor.concept = new
        store_or_check()

    def local_time(iso: str | None) -> str:
        """An ISO time as the venue's clock shows it (HH:MM:SS)."""
        return datetime.fromisoformat(iso).astimezone().strftime("%H:%M:%S") if iso else ""

    def selected_categories() -> dict[str, str]:
        defaults = {"zone": "playground", "path": "walkway", "amenity": "bench"}
        return {kind: st.session_state.get(f"pick_{kind}") or defaults[kind] for kind in KINDS}

    def on_map_change() -> None:
        """Runs before the script when the map reports drawings: apply them and save."""
        value = st.session_state.get(map_key) or {}
        drawings = value.get("all_drawings")
        if drawings is None or drawings == editor.last_drawings:
            return
        editor.last_drawings = drawings
        outcome = apply_drawings(editor.concept, drawings, frame, selected_categories(), editor.drafts)
        editor.drafts = dict(outcome.drafts)
        messages = [("warning", t(n.key, **n.params)) for _, n in outcome.notices]
        messages += [("error", t(n.key, **n.params)) for n in outcome.rejected]
        editor.messages = tuple(messages)
        if outcome.changed_anything:
            commit(outcome.concept)
        if outcome.added and outcome.added[-1] in {f.id for f in editor.concept.features}:
            st.session_state["feature_pick"] = outcome.added[-1]  # not when the gate refused the drawing

    @guarded
    def do_undo() -> None:
        if editor.undo:
            editor.concept = editor.undo.pop()
            editor.messages = (("info", t("sketch.undone")),)
            store_or_check()

    @guarded
    def resolve(choice: str) -> None:
        gate().check_owner(team.id)
        gate().check_link()  # taking theirs stores nothing, but a revoked link reads nothing either
        latest = store().load_latest(session.id, team.id) or Concept(site=session.site, team=team.id)
        if choice == "reload":
            editor.concept = latest
            editor.base = latest
            editor.undo = []
            editor.status = ("saved", latest.version, latest.saved_at)
            return
        if choice == "merge":
            merged, lost = merge_concepts(editor.base, editor.concept, latest)
            editor.concept = merged
            editor.messages = (("warning", t("sketch.merge_lost", count=lost)),) if lost else ()
        editor.base = latest
        store_version()

    # ------------------------------------------------------------------ header and save state
    title_col, status_col = st.columns([3, 2], vertical_alignment="center")
    with title_col:
        st.subheader(f"{md(team.name)} · {md(the_site.name(lang()))}", anchor=False)
    with status_col, st.container(key="save_status"):
        kind = editor.status[0]
        if kind == "saved":
            st.success(t("save.saved", version=editor.status[1], time=local_time(editor.status[2])), icon="✅")
        elif kind == "failed":
            st.error(t("save.failed_retry", reason=editor.status[1]), icon="⚠️")
            st.button(t("save.retry"), on_click=save, type="primary", key="retry")
        elif kind == "conflict":
            st.warning(t("save.conflict", latest=editor.status[1]), icon="🔀")
            c1, c2, c3 = st.columns(3)
            c1.button(t("save.merge"), on_click=resolve, args=("merge",), key="merge")
            c2.button(t("save.reload"), on_click=resolve, args=("reload",), key="reload")
            c3.button(t("save.keep_mine"), on_click=resolve, args=("mine",), key="keep_mine")
        elif editor.concept.version:
            st.info(t("save.loaded", version=editor.concept.version), icon="📂")
        else:
            st.info(t("save.nothing_yet"), icon="📝")
    if the_site.illustrative:
        st.caption("ℹ️ " + the_site.notice(lang()))

    category_names = {c.id: f"{c.icon} {c.label(lang())}" for c in categories()}

    # ------------------------------------------------------------------ messages
    with st.container(key="messages"):
        for level, text in editor.messages:
            getattr(st, level)(text)
        for a, b, area in zone_overlaps(editor.concept, frame):
            fa, fb = editor.concept.feature(a), editor.concept.feature(b)
            st.warning(
                t(
                    "sketch.overlap",
                    a=f"{a} {category(fa.category).label(lang())}",
                    b=f"{b} {category(fb.category).label(lang())}",
                    area=num(area),
                )
            )

    # ------------------------------------------------------------------ map and palette
    if in_room:
        countdown(rounds)
        if locked:
            with st.container(key="locked"):
                st.info(t("room.locked", round=rounds.round.name if rounds.round else ""), icon="🔒")
    map_key = f"map:{session.id}:{team.id}"
    map_col, palette_col = st.columns([5, 3], gap="small")
    with palette_col, st.container(key="palette"):
        if voting:
            vote_panel(session, team)
        elif not locked:
            st.markdown(t("sketch.how_to"))
        for kind in KINDS if not (locked or voting) else ():
            st.pills(
                t(f"kind.{kind}"),
                [c.id for c in categories(kind)],
                default=selected_categories()[kind],
                format_func=category_names.__getitem__,
                key=f"pick_{kind}",
                selection_mode="single",
            )
    with map_col:
        streamlit_folium.st_folium(
            sketch_map(the_site, lang(), context=site_context(the_site.id), editable=not locked),
            key=map_key,
            feature_group_to_add=concept_layer(editor.concept, lang()),
            returned_objects=["all_drawings"],
            use_container_width=True,
            height=620,
            on_change=on_map_change,
        )
        st.button(t("sketch.undo"), on_click=do_undo, disabled=locked or not editor.undo, key="undo", icon="↩️")

    # ------------------------------------------------------------------ figures
    figures = concept_figures(editor.concept, frame)
    figures_col, feature_col = st.columns([1, 1], gap="medium")
    with figures_col, st.container(key="figures"):
        st.markdown(f"#### {t('figures.title')}")
        measured = [
            (cid, f"{num(a)} {t('unit.m2')}", f"{num(100 * figures.zone_share(cid), 1)} %")
            for cid, a in figures.zone_area_m2.items()
        ]
        measured += [(cid, f"{num(m)} {t('unit.m')}", "") for cid, m in figures.path_length_m.items()]
        measured += [(cid, f"{n} {t('unit.pcs')}", "") for cid, n in figures.amenity_count.items()]
        rows = [
            {t("figures.category"): category_names[cid], t("figures.value"): value, t("figures.share"): share}
            for cid, value, share in measured
        ]
        if rows:
            st.table(rows)
        else:
            st.caption(t("figures.empty"))
        st.caption(t("figures.site_area", area=num(figures.site_area_m2)))

    # ------------------------------------------------------------------ one feature
    features = editor.concept.features
    if features:
        with feature_col:
            st.markdown(f"#### {t('feature.title')}")
            labels = {
                f.id: f"{f.id} · {category(f.category).icon} {category(f.category).label(lang())}"
                + (f" · {f.label}" if f.label else "")
                for f in features
            }
            chosen = st.selectbox(
                t("feature.choose"),
                [f.id for f in features],
                format_func=labels.__getitem__,
                index=len(features) - 1,
                key="feature_pick",
            )
            feature = editor.concept.feature(chosen)
            with st.form(f"feature_form_{chosen}"):
                same_kind = [c.id for c in categories(feature.kind)]
                new_category = st.selectbox(
                    t("feature.category"),
                    same_kind,
                    index=same_kind.index(feature.category),
                    format_func=category_names.__getitem__,
                )
                new_label = st.text_input(t("feature.label"), value=feature.label, max_chars=MAX_LABEL)
                new_note = st.text_area(t("feature.note"), value=feature.note, max_chars=MAX_NOTE, height=80)
                if st.form_submit_button(t("feature.apply"), type="primary", disabled=locked):
                    try:
                        commit(
                            edit_feature(
                                editor.concept, chosen, category_id=new_category, label=new_label, note=new_note
                            )
                        )
                        st.rerun()
                    except CodesignError as err:
                        st.error(error_text(err))
            if st.button(t("feature.delete"), key=f"delete_{chosen}", icon="🗑️", disabled=locked):
                commit(delete_feature(editor.concept, chosen))
                st.rerun()

    # ------------------------------------------------------------------ the concept's words
    st.markdown(f"#### {t('concept.our_idea')}")
    with st.form("concept_meta"):
        title = st.text_input(t("concept.title"), value=editor.concept.title, max_chars=MAX_TITLE)
        description = st.text_area(
            t("concept.description"), value=editor.concept.description, max_chars=MAX_DESCRIPTION, height=120
        )
        if st.form_submit_button(t("concept.save"), type="primary", disabled=locked):
            commit(edit_metadata(editor.concept, title=title, description=description))
            st.rerun()

    # ------------------------------------------------------------------ versions
    with st.expander(t("versions.title")):
        versions = store().versions(session.id, team.id)
        if not versions:
            st.caption(t("versions.none"))
        else:
            version_names = {
                v.version: t_text("versions.item", version=v.version, time=local_time(v.saved_at))
                for v in reversed(versions)
            }
            pick = st.selectbox(
                t("versions.choose"), list(version_names), format_func=version_names.__getitem__, key="version_pick"
            )
            show, restore = st.columns(2)
            preview = show.toggle(t("versions.show"), key="version_preview")
            if restore.button(t("versions.restore"), key="restore", icon="⏪", disabled=locked):
                try:
                    commit(store().load_version(session.id, team.id, pick))
                    st.rerun()
                except CodesignError as err:
                    st.error(error_text(err))
            if preview:
                try:
                    old = store().load_version(session.id, team.id, pick)
                    st.caption(t("versions.preview", version=pick))
                    view_map(the_site, f"preview:{session.id}:{team.id}", concept_layer(old, lang()))
                except CodesignError as err:
                    st.error(error_text(err))

    # ------------------------------------------------------------------ last: the room watcher (a fragment)
    if in_room:

        def link_works() -> bool:
            try:
                gate().check_link()
            except WriteRefused:
                return False
            return True

        def seen() -> tuple:
            """What makes the tablet rerun: the room's state, and whether its link still works."""
            return room_fingerprint(session.id), link_works()

        watch(seen, seen(), heartbeat=(session.id, team.id))
