"""The room's rhythm on every screen: the current round and a live countdown.

A watcher reruns the page when something it shows has changed elsewhere.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Hashable

import streamlit as st
import streamlit.components.v1 as components

from app_pages.common import lang, num, store, t
from app_pages.desks import desk_is_signed_out
from codesign.analysis.figures import Figures
from codesign.domain.rounds import RoundState, effective_status, remaining
from codesign.domain.taxonomy import category
from codesign.render.icons import streamlit_icon

#: How often open pages look for changes (seconds).
WATCH_EVERY_S = 3


def countdown(state: RoundState, *, size: int = 40, key: str = "countdown") -> None:
    """The current round's name and a ticking countdown (runs in the browser, no reruns)."""
    if state.round is None:
        return
    now = time.time()
    status = effective_status(state, now)
    left = int(round(remaining(state, now)))
    colour = "#b00020" if left <= 60 else "#111111"
    label = {"running": "", "paused": t("room.paused"), "ended": t("room.ended")}.get(status, "")
    name = json.dumps(state.round.name).replace("<", "\\u003c").replace(">", "\\u003e")  # inert in a script
    running = "true" if status == "running" else "false"
    components.html(
        f"""<div style="font-family:system-ui,sans-serif;display:flex;align-items:baseline;gap:18px">
<span style="font-size:{size * 0.55:.0f}px;color:#333" id="n"></span>
<span id="c" style="font-size:{size}px;font-weight:700;color:{colour};font-variant-numeric:tabular-nums"></span>
<span style="font-size:{size * 0.45:.0f}px;color:#b00020">{label}</span></div>
<script>
document.getElementById("n").textContent = {name};
var end = Date.now() + {left} * 1000, running = {running}, left = {left};
function show() {{
  var s = running ? Math.max(0, Math.round((end - Date.now()) / 1000)) : left;
  var m = Math.floor(s / 60), r = s % 60;
  document.getElementById("c").textContent = m + ":" + (r < 10 ? "0" : "") + r;
}}
show(); if (running) {{ setInterval(show, 500); }}
</script>""",
        height=int(size * 1.5),
    )


def watch(
    fingerprint: Callable[[], Hashable],
    seen: Hashable,
    heartbeat: tuple[str, str] | None = None,
    every: float = WATCH_EVERY_S,
) -> None:
    """Every few seconds, record the tablet's heartbeat and look for changes.

    The whole page reruns when ``fingerprint()`` no longer equals what it showed (``seen``).
    """

    @st.fragment(run_every=every)
    def _watch() -> None:
        if heartbeat is not None:
            store().record_presence(*heartbeat)  # in the store: every app process sees every tablet
        if fingerprint() != seen or desk_is_signed_out():  # a desk signed out elsewhere leaves the projector
            st.rerun(scope="app")

    _watch()


def room_fingerprint(session_id: str) -> Hashable:
    """What changes the room's state for a page: the rounds, whether time ran out, the dispute vote."""
    state = store().load_rounds(session_id)
    disputes = store().load_disputes(session_id)  # a dispute vote opening or closing changes the tablets
    return (
        (state.current, state.status, state.started_at, state.extra_seconds, effective_status(state, time.time())),
        (disputes.status, disputes.opened_at),
    )


def largest_zones(figures: Figures, count: int = 3) -> str:
    """A concept's largest zones in words (icon, category, m²), as the projector and the desk summarise it."""
    top = sorted(figures.zone_area_m2.items(), key=lambda kv: -kv[1])[:count]
    return ", ".join(
        f"{streamlit_icon(category(c).icon)} {category(c).label(lang())} {num(a)} {t('unit.m2')}" for c, a in top
    )
