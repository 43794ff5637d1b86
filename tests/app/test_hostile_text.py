"""Hostile user and file text on the pages: maps still show, messages show it as typed."""

from __future__ import annotations

import json
import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Point, box

from codesign.domain.concept import Concept, ConceptFeature
from codesign.domain.session import PLAN_OWNER
from codesign.domain.site import load_site
from codesign.storage.files import FileStore
from tests.app.test_pages import run_page

SITE = load_site("aksu-city-square")
C = SITE.boundary.centroid
MARKERS = ("{{ 7*7 }}", "{# note", "{% if %}")


def nodes(at, node=None):
    """Every element of the page, depth first."""
    node = at._tree if node is None else node
    yield node
    for child in getattr(node, "children", {}).values():
        yield from nodes(at, child)


def maps_on(at) -> list[dict]:
    """What every map component on the page sends to its iframe."""
    found = []
    for node in nodes(at):
        args = getattr(getattr(node, "proto", None), "json_args", "")
        if "leaflet" in args:
            found.append(json.loads(args))
    return found


def marked_concept(owner: str) -> Concept:
    zone = box(C.x - 0.0002, C.y - 0.0001, C.x + 0.0002, C.y + 0.0001)
    return Concept(
        SITE.id,
        owner,
        title=MARKERS[2],
        features=(
            ConceptFeature("f1", "bench", Point(C.x, C.y), label=MARKERS[0], note=MARKERS[1]),
            ConceptFeature("f2", "lawn", zone, label=MARKERS[2]),
        ),
    )


def test_a_team_whose_labels_hold_template_markers_still_sees_its_map(workshop):
    store, session = workshop
    team = session.teams[0]
    store.save_concept(session.id, team.id, marked_concept(team.id), base_version=0)
    at = run_page("sketch.py", "ru", params={"s": session.id, "t": team.token})
    assert not at.exception
    (args,) = maps_on(at)
    layer = args["feature_group"]
    for marker in MARKERS:
        assert marker not in layer  # sent escaped ({ as \u007b), so no template engine sees a marker
    assert "\\u007b\\u007b 7*7 \\u007d\\u007d" in layer  # and the text is there, as data for textContent


def test_the_comparison_shows_teams_named_with_template_markers(tmp_path, monkeypatch):
    monkeypatch.setenv("CODESIGN_SESSIONS_DIR", str(tmp_path))
    store = FileStore(tmp_path)
    session = store.create_session(site=SITE.id, title="{% raw %}", teams=[(MARKERS[0], None), (MARKERS[1], None)])
    for owner in (session.teams[0].id, session.teams[1].id, PLAN_OWNER):
        store.save_concept(session.id, owner, marked_concept(owner), base_version=0)
    at = run_page("compare.py", "ru", state={"facilitator": True, "current_session": session.id})
    assert not at.exception
    shown = maps_on(at)
    assert len(shown) == 3  # both concepts and the overlay
    assert all(marker not in args["feature_group"] for args in shown for marker in MARKERS)


def test_a_200000_vertex_drawing_is_refused_on_the_tablet_with_the_limit(workshop):
    from unittest import mock

    from codesign.domain.geometry import MAX_SHAPE_VERTICES
    from codesign.i18n import translate
    from tests.app.test_pages import fake_map
    from tests.unit.test_vertex_caps import draft, polygon

    store, session = workshop
    team = session.teams[0]
    with mock.patch("streamlit_folium.st_folium", fake_map([draft(polygon(200_000))])):
        at = run_page("sketch.py", "ru", params={"s": session.id, "t": team.token})
        at.run()  # in the browser the map's callback runs before the page; here it runs inside it
    assert not at.exception
    expected = translate("geometry.too_many_vertices", "ru", count=200_000, limit=MAX_SHAPE_VERTICES)
    assert expected in [e.value for e in at.error]
    assert store.load_latest(session.id, team.id) is None


# ----------------------------------------------------------------------------- markdown


def kml_with_layers(*layers: str) -> bytes:
    """A KML plan with one lawn per folder (GDAL reads each folder as a layer named after it)."""
    folders = []
    for i, name in enumerate(layers):
        x, y = C.x + i * 3e-4, C.y
        ring = " ".join(f"{a},{b}" for a, b in [(x, y), (x + 2e-4, y), (x + 2e-4, y + 1e-4), (x, y + 1e-4), (x, y)])
        folders.append(
            f"<Folder><name>{name}</name><Placemark><name>Газон {i}</name><ExtendedData><Data name='type'>"
            f"<value>lawn</value></Data></ExtendedData><Polygon><outerBoundaryIs><LinearRing><coordinates>{ring}"
            "</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark></Folder>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
        + "".join(folders)
        + "</Document></kml>"
    ).encode()


def shown_literally(text: str, message: str) -> None:
    """``text`` is in the markdown ``message`` only with every markdown character escaped."""
    from app_pages.common import md

    assert md(text) in message
    assert text not in message.replace(md(text), "")


def test_file_and_layer_names_reach_the_plan_page_as_text_not_markdown(workshop):
    from codesign.i18n import translate

    store, session = workshop
    link, bold = "[click](http://evil)", "**bold**"
    file_name = "[click](javascript:alert(1)) **bold**.kml"
    at = run_page("plan.py", "en", state={"facilitator": True, "current_session": session.id})
    at.file_uploader(key="plan_file").upload(file_name, kml_with_layers(link, bold)).run()
    assert not at.exception
    read = at.success[0].value
    assert read.startswith(translate("plan.read", "en", file="§", format="", crs="", count=0).split("§")[0])
    shown_literally(file_name, read)
    merged = next(i.value for i in at.info if i.value.startswith(translate("import.layers_merged", "en").split("(")[0]))
    shown_literally(f"{link}, {bold}", merged)
    owners = at.selectbox(key="plan_owner")
    assert owners.options[1] == translate("plan.for_team", "en", name=session.teams[0].name)  # plain text there


#: Names and words that are markdown, HTML or LaTeX if anything renders them unescaped.
TEAM_A, TEAM_B = "**A** [x](http://evil)", "__B__ `code` $x$ <i>x</i>"
TITLE = "<b>Forum</b> :red[alarm] ![img](http://evil/x.png)"
TOKENS = ("**A**", "[x](http://evil)", "__B__", "`code`", "$x$", "<b>", "<i>", ":red[", "![img]")
#: What must never reach an HTML element unescaped.
HTML_TOKENS = ("<i>x</i>", "<b>Forum</b>")


def markdown_texts(at) -> list[str]:
    """Every text on the page that Streamlit renders as markdown: bodies, alerts, titles, labels, table cells."""
    rendered = {"markdown", "caption", "error", "warning", "info", "success", "title", "header", "subheader", "toast"}
    found: list[str] = []

    def walk(node):
        kind = getattr(node, "type", "")
        value = getattr(node, "value", None)
        if kind in rendered and isinstance(value, str):
            found.append(value)
        if kind in ("table", "arrow_table"):
            frame = node.value
            found.extend(str(c) for c in frame.columns)
            found.extend(str(v) for v in frame.to_numpy().ravel())
        label = getattr(node, "label", None)
        if isinstance(label, str):
            found.append(label)
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return found


def hostile_session(store):
    from shapely.geometry import LineString

    from codesign.domain.rounds import Round, RoundPlan, RoundState, start
    from codesign.domain.votes import Vote, VotingRules, cast

    session = store.create_session(site=SITE.id, title=TITLE, teams=[(TEAM_A, None), (TEAM_B, None)])
    for i, (owner, words) in enumerate(
        ((session.teams[0].id, TEAM_A), (session.teams[1].id, TEAM_B), (PLAN_OWNER, TITLE))
    ):
        dx = 1e-4 * i
        zone = box(C.x - 3e-4 + dx, C.y - 1e-4, C.x + 3e-4 + dx, C.y + 1e-4)
        features = (
            ConceptFeature("f1", "lawn", zone, label=words[:80], note=words),
            ConceptFeature("f2", "bench", Point(C.x + dx, C.y), label=words[:80]),
            ConceptFeature("f3", "walkway", LineString([(C.x - 4e-4, C.y + 2e-4), (C.x + 4e-4, C.y + 2e-4)])),
        )
        store.save_concept(
            session.id, owner, Concept(SITE.id, owner, title=words, description=words, features=features), 0
        )
    plan = RoundPlan((Round(TEAM_B, 10, "vote"),))  # a round named like a team: the tablets show it
    store.update_rounds(session.id, lambda _: start(RoundState(plan), 0, now=time.time()))
    store.update_votes(
        session.id,
        lambda rv: (
            VotingRules(),
            cast((), Vote(session.teams[0].id, "", session.teams[1].id, "f1"), VotingRules(), is_open=True),
        ),
    )
    return store.load_session(session.id)


def assert_no_markdown_from_users(at, where: str) -> None:
    from app_pages.common import md

    assert not at.exception, where
    for html in (node.proto.body for node in nodes(at) if getattr(node, "type", "") == "html"):
        for words in (TEAM_A, TEAM_B, TITLE):  # legends and name tags: HTML-escaped, no markdown escapes
            assert md(words) not in html
        for token in HTML_TOKENS:
            assert token not in html, f"{where}: {token!r} unescaped in {html!r}"
    for text in markdown_texts(at):
        for words in (TEAM_A, TEAM_B, TITLE):
            text = text.replace(md(words), "")
        for token in TOKENS:
            assert token not in text, f"{where}: {token!r} unescaped in {text!r}"


@pytest.mark.parametrize(
    ("page_file", "state"),
    [
        ("facilitator.py", {}),
        ("projector.py", {"projector_view": "join"}),
        ("projector.py", {"projector_view": "rounds"}),
        ("projector.py", {"projector_view": "gallery"}),
        ("projector.py", {"projector_view": "votes"}),
        ("compare.py", {}),
        ("consensus.py", {"consensus_live": False}),
        ("report.py", {}),
        ("plan.py", {}),
        ("vision.py", {}),
    ],
)
def test_desk_pages_show_user_text_as_text(tmp_path, monkeypatch, page_file, state):
    monkeypatch.setenv("CODESIGN_SESSIONS_DIR", str(tmp_path))
    session = hostile_session(FileStore(tmp_path))
    at = run_page(page_file, "en", state={"facilitator": True, "current_session": session.id, **state})
    assert_no_markdown_from_users(at, page_file)


def test_the_tablet_shows_user_text_as_text(tmp_path, monkeypatch):
    monkeypatch.setenv("CODESIGN_SESSIONS_DIR", str(tmp_path))
    session = hostile_session(FileStore(tmp_path))
    at = run_page("sketch.py", "en", params={"s": session.id, "t": session.teams[0].token})
    assert_no_markdown_from_users(at, "sketch.py")


def test_the_comparison_legend_and_tooltips_show_team_names_as_typed(tmp_path, monkeypatch):
    import html

    from codesign.i18n import translate

    monkeypatch.setenv("CODESIGN_SESSIONS_DIR", str(tmp_path))
    session = hostile_session(FileStore(tmp_path))
    at = run_page("compare.py", "en", state={"facilitator": True, "current_session": session.id})
    assert not at.exception
    only_a = translate("compare.state.a_only", "en", name=TEAM_A)
    legends = [node.proto.body for node in nodes(at) if getattr(node, "type", "") == "html"]
    assert any(html.escape(only_a) in body for body in legends)  # plain text, HTML-escaped, no backslashes
    overlay = maps_on(at)[-1]["feature_group"]
    assert json.dumps(only_a)[1:-1] in overlay  # the tooltip's text as typed (JSON-escaped in the script)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(
    st.text() | st.lists(st.sampled_from([*TOKENS, "\\", "\n", "&amp;", "www.evil.com", "a@b.kz", "==="])).map("".join)
)
def test_md_escapes_every_markdown_character_and_loses_nothing(text):
    import string

    from app_pages.common import md

    escaped = md(text)
    assert re.sub(r"\\(.)", r"\1", escaped, flags=re.DOTALL) == text  # a renderer shows exactly the text
    unescaped = re.sub(r"\\.", "", escaped, flags=re.DOTALL)
    assert not set(unescaped) & set(string.punctuation)  # and no markdown, HTML or autolink character is left bare
