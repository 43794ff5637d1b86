"""Helpers shared by the Streamlit pages: language, store, cached site data, errors.

This is the Streamlit shell; the decisions live in :mod:`codesign`.
"""

from __future__ import annotations

import contextlib
import html
import string
import sys
import traceback
from typing import Any

import streamlit as st

from codesign.analysis.consensus import Consensus, build_consensus
from codesign.config import settings
from codesign.domain.access import facilitator_link, is_reviewer
from codesign.domain.session import Session
from codesign.domain.site import Site, load_site
from codesign.errors import CodesignError
from codesign.i18n import DEFAULT_LANGUAGE, LANGUAGES, format_number, translate
from codesign.render.folium_maps import context_geojson
from codesign.render.text import format_kappa
from codesign.services.analysis import voices as load_voices
from codesign.services.gate import WriteGate, Writer, WriteRefused
from codesign.services.secret import facilitator_secret
from codesign.storage.base import Store, open_store

LANGUAGE_NAMES = {"ru": "Русский", "kk": "Қазақша", "en": "English"}


def sessions_dir() -> str:
    """The sessions folder (``CODESIGN_SESSIONS_DIR``, default ``sessions``)."""
    return str(settings().sessions_dir)


def base_url() -> str:
    """The address the tablets use to reach this app (``CODESIGN_BASE_URL``)."""
    return settings().base_url


def database_url() -> str:
    """The shared PostGIS database (``CODESIGN_DATABASE_URL``), "" for the sessions folder."""
    return settings().database_url


@st.cache_resource
def get_store(root: str, url: str = "") -> Store:
    """One store object per sessions folder or database URL, shared by all browser sessions."""
    return open_store(sessions_dir=root, database_url=url)


def store() -> Store:
    """The configured store: the PostGIS database if ``CODESIGN_DATABASE_URL`` is set, else the folder."""
    return get_store(sessions_dir(), database_url())


def _configured_secret() -> str | None:
    try:
        value = st.secrets.get("facilitator_secret")
    except (FileNotFoundError, KeyError, AttributeError, Exception):  # noqa: BLE001 - no secrets.toml
        return None
    return str(value) if value else None


@st.cache_resource
def _secret(root: str) -> str:
    secret, created = facilitator_secret(root, configured=_configured_secret())
    link = facilitator_link(base_url(), secret)
    print(
        f"\n  Tugan Qala Co-design: facilitator link{' (new secret)' if created else ''}:\n    {link}\n",
        file=sys.stderr,
    )
    return secret


def facilitator_secret_value() -> str:
    """The facilitator's secret (generated and printed on first start)."""
    return _secret(sessions_dir())


def require_sound_configuration() -> None:
    """Stop every page with the reason when the app is set up in a way it refuses (a short secret)."""
    try:
        facilitator_secret_value()
    except CodesignError as err:
        print(f"\n  Tugan Qala Co-design cannot start: {err}\n", file=sys.stderr)
        st.error(error_text(err))
        st.stop()


@st.cache_data(show_spinner=False)
def site_context(site_id: str) -> dict[str, Any]:
    """The site's context layers, trimmed for the browser (cached: they never change)."""
    return context_geojson(load_site(site_id))


def site(site_id: str) -> Site:
    """The site (cached per process by :func:`codesign.domain.site.load_site`)."""
    return load_site(site_id)


def lang() -> str:
    """The language chosen on this browser session (ru by default)."""
    if "lang" not in st.session_state:
        wanted = st.query_params.get("lang")
        st.session_state.lang = wanted if wanted in LANGUAGES else DEFAULT_LANGUAGE
    return st.session_state.lang


def t(key: str, **params: object) -> str:
    """Translate ``key`` into the current language, for display as markdown.

    Streamlit renders markdown in ``st.markdown``, ``st.error`` and the other alerts,
    ``st.caption``, titles, tables, labels and help texts. The message's own markdown
    stays; every parameter but a number is escaped with :func:`md`, since names, titles,
    file and layer names come from users and files. Use :func:`t_text` where the text is
    shown as plain text instead.
    """
    return translate(key, lang(), **{name: _markdown_safe(value) for name, value in params.items()})


def t_text(key: str, **params: object) -> str:
    """Translate ``key`` with its parameters as they are: only for places that show plain text.

    Select-box options (``format_func``), map tooltips (:class:`codesign.render.folium_maps.Styled`),
    :func:`legend` (which HTML-escapes), text-input values and a parameter of another message.
    """
    return translate(key, lang(), **params)


def _markdown_safe(value: object) -> object:
    """A message parameter made inert for markdown (numbers pass as they are)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return md(str(value))


def num(value: float, digits: int = 0) -> str:
    """A number in the current language's style."""
    return format_number(value, lang(), digits)


def language_picker() -> None:
    """The ru / kk / en switch shown at the top of every page."""
    current = lang()
    choice = st.segmented_control(
        t("lang.choose"),
        options=list(LANGUAGES),
        format_func=LANGUAGE_NAMES.__getitem__,
        default=current,
        key="lang_picker",
        label_visibility="collapsed",
    )
    if choice and choice != current:
        st.session_state.lang = choice
        st.rerun()


def error_text(err: CodesignError) -> str:
    """A :class:`CodesignError` in the user's language, for display as markdown (its parameters escaped)."""
    return t(err.key, **err.params)


def error_plain(err: CodesignError) -> str:
    """A :class:`CodesignError` in the user's language as plain text (e.g. a parameter of another message)."""
    return t_text(err.key, **err.params)


def run_guarded(page: Any) -> None:
    """Run the page the router chose; what it did not catch becomes a translated message.

    A :class:`CodesignError` shows its own message. Anything else shows a general one, and
    its traceback goes to the server's console only: tracebacks name server paths.
    (``client.showErrorDetails = "none"`` in ``.streamlit/config.toml`` hides whatever
    escapes elsewhere, e.g. in a fragment.) Streamlit's own stop and rerun signals are not
    exceptions of this kind and pass through.
    """
    try:
        page.run()
    except CodesignError as err:
        st.error(error_text(err))
    except Exception:  # noqa: BLE001 - the last line of defence: no traceback on any screen
        print("Tugan Qala Co-design: a page failed; the user was shown a general message.", file=sys.stderr)
        traceback.print_exc()
        st.error(t("error.unexpected"))


def is_facilitator() -> bool:
    """Whether this browser session has given the facilitator's secret."""
    return bool(st.session_state.get("facilitator"))


TABLET_CSS = """
<style>
/* Big touch targets for tablets. */
.stButton button, .stFormSubmitButton button, .stDownloadButton button { min-height: 48px; font-size: 1.05rem; }
[data-testid="stPills"] button, [data-testid="stButtonGroup"] button {
  min-height: 46px; font-size: 1.05rem; padding: 4px 14px; }
div[data-testid="stSelectbox"] > div, .stTextInput input { min-height: 46px; font-size: 1.05rem; }
.block-container { padding-top: 2.6rem; }
</style>
"""


def tablet_css() -> None:
    """Larger controls for fingers."""
    st.html(TABLET_CSS)


#: Every ASCII punctuation character: CommonMark lets a backslash escape each of them, which covers
#: markdown (``*_[]()#``...), HTML (``<>&``), GFM autolinks (``.:@``), Streamlit's ``:red[x]`` and
#: ``:material/...:`` directives and ``$`` (LaTeX).
_MARKDOWN_SPECIAL = frozenset(string.punctuation)


def md(text: str) -> str:
    r"""User text made inert for markdown: every ASCII punctuation character escaped with a backslash.

    >>> print(md("[click](http://evil) **bold** $x$"))
    \[click\]\(http\:\/\/evil\) \*\*bold\*\* \$x\$
    """
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIAL else ch for ch in text)


def session_picker(key: str) -> Session | None:
    """The facilitator's current session, chosen in a select box shared by all desk pages.

    Shows a note and returns None when there is no session yet.
    """
    sessions = store().list_sessions()
    if not sessions:
        st.info(t("facilitator.no_sessions"))
        return None
    names = {s.id: f"{s.title} · {s.date} · {s.id}" for s in sessions}
    current = st.session_state.get("current_session")
    ids = list(names)
    chosen = st.selectbox(
        t("facilitator.session"),
        ids,
        index=ids.index(current) if current in ids else 0,
        format_func=names.__getitem__,
        key=key,
    )
    st.session_state.current_session = chosen
    return next(s for s in sessions if s.id == chosen)


def go_to(page: str, query_params: dict[str, str] | None = None) -> None:
    """Switch to another page of the app (a no-op when the page runs on its own, as in tests)."""
    from streamlit.errors import StreamlitAPIException

    with contextlib.suppress(StreamlitAPIException):  # a rerun to the page is not this error
        st.switch_page(page, query_params=query_params)


def facilitator_gate(session_id: str) -> WriteGate:
    """The write gate for the facilitator's writes (joint vision, plan); refused to anyone else."""
    if not is_facilitator():
        raise WriteRefused()
    return WriteGate(store(), session_id, Writer.facilitator())


def remember_review_link(session_id: str, token: str) -> None:
    """Keep a review link's session and token in this browser session (checked on every run)."""
    st.session_state.reviewer = session_id
    st.session_state.reviewer_token = token


def reviewer_session() -> str | None:
    """The session this browser may review read-only, if its review link is still the session's.

    The token is checked against the store on every run, as team links are: after the
    facilitator reissues the review link, an open tab stops at its next rerun (and the router
    says why: ``review_refused``).
    """
    session_id = st.session_state.get("reviewer")
    if session_id is None:
        return None
    try:
        valid = is_reviewer(store().load_session(session_id), st.session_state.get("reviewer_token"))
    except CodesignError:
        valid = False
    if valid:
        return session_id
    st.session_state.pop("reviewer", None)
    st.session_state.pop("reviewer_token", None)
    st.session_state.review_refused = True
    return None


def not_available() -> None:
    """A page this browser may not open (a desk page without the facilitator's or a valid review link)."""
    st.title(t("nav.not_available"))
    st.info(t("nav.not_available_help"))


def can_change() -> bool:
    """Whether this browser may change things on desk pages (the facilitator only)."""
    return is_facilitator()


def desk_page(title_key: str | None, picker_key: str, *, reviewer_ok: bool = False) -> Session:
    """Start a desk page: check who is asking, show the title, pick the session.

    The facilitator picks any session; a reviewer (read-only link) sees only the session
    of the link, and only on pages with ``reviewer_ok``. Anyone else is stopped.
    """
    reviewing = reviewer_session() if reviewer_ok and not is_facilitator() else None
    if not is_facilitator() and reviewing is None:
        st.error(t("error.access_denied"))
        st.stop()
    if title_key:
        st.title(t(title_key))
    if reviewing is not None:
        try:
            return store().load_session(reviewing)
        except CodesignError:
            st.error(t("error.access_denied"))
            st.stop()
    session = session_picker(picker_key)
    if session is None:
        st.stop()
    return session


def view_map(the_site: Site, key: str, layer: object, height: int = 420) -> None:
    """A read-only map of the site with one layer (a concept, an overlay, ...)."""
    import streamlit_folium

    from codesign.render.folium_maps import sketch_map

    streamlit_folium.st_folium(
        sketch_map(the_site, lang(), context=site_context(the_site.id), editable=False),
        key=key,
        feature_group_to_add=layer,
        returned_objects=[],
        use_container_width=True,
        height=height,
    )


def legend(items: list[tuple[str, str]], note: str = "") -> None:
    """Colour swatches with their (escaped) labels, and an optional note under them."""
    swatches = " ".join(
        f"<span style='display:inline-block;margin-right:16px;font-size:1.05rem'><span style='display:inline-block;"
        f"width:18px;height:18px;background:{colour};vertical-align:middle'></span> {html.escape(label)}</span>"
        for colour, label in items
    )
    st.html(f"<div>{swatches}</div>" + (f"<div style='margin-top:6px'>{html.escape(note)}</div>" if note else ""))


def consensus_metrics(result: Any) -> None:
    """The consensus in four big numbers: agreed, contested and single-voice m², Fleiss' kappa."""
    cols = st.columns(4)
    for col, state in zip(cols, ("agreed", "contested", "single"), strict=False):
        col.metric(t(f"consensus.{state}"), f"{num(result.area_in(state))} {t('unit.m2')}")
    cols[3].metric(t("consensus.fleiss"), format_kappa(result.fleiss_kappa, lang()), help=t("consensus.fleiss_help"))


@st.cache_resource(max_entries=8, show_spinner=False)
def consensus_for(session_id: str, versions: tuple[tuple[str, int], ...], threshold: float) -> Consensus | None:
    """The consensus of the given owners' versions (cached: recomputed only after a save)."""
    concepts = [store().load_version(session_id, owner, version) for owner, version in versions]
    if not concepts:
        return None
    return build_consensus(concepts, site(store().load_session(session_id).site).frame, threshold=threshold)


def voices(session: Session, with_plan: bool = False) -> tuple[tuple[str, int], ...]:
    """(owner, latest version) of every team that saved a concept (and the plan, if asked).

    The rule is :func:`codesign.services.analysis.voices`; this reads the configured store.
    """
    return load_voices(store(), session, with_plan=with_plan)
