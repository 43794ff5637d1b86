"""Hostile strings: user text is stored byte-exact or refused whole, and never becomes markup.

Identifiers that could hide a path are refused by every entry point that takes one.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import replace
from html import escape
from pathlib import Path

import pytest
from jinja2.utils import htmlsafe_json_dumps
from shapely.geometry import Point, box

from codesign.cli import main
from codesign.domain.concept import (
    MAX_DESCRIPTION,
    MAX_LABEL,
    MAX_NOTE,
    MAX_TITLE,
    Concept,
    ConceptFeature,
    edit_feature,
    edit_metadata,
)
from codesign.domain.session import MAX_TEAM_NAME
from codesign.domain.site import load_site
from codesign.errors import CodesignError, InvalidConceptError, InvalidIdentifier
from codesign.render.folium_maps import Styled, concept_layer, sketch_map, styled_layer
from codesign.render.svg import concept_svg
from codesign.storage.files import FileStore

SITE = load_site("aksu-city-square")
LONG = "Ж" * 10_000  # 10 kB and more in UTF-8
PAYLOADS = {
    "script": "<script>alert(1)</script>",
    "img": "<img src=x onerror=alert(1)>",
    "svg": '"><svg onload=alert(1)>',
    "javascript url": "javascript:alert(1)",
    "csv formula": '=HYPERLINK("http://evil","x")',
    "csv command": "+cmd|' /C calc'!A0",
    "csv at": "@SUM(1)",
    "csv minus": "-1+2",
    "rtl override": "\u202eevil",
    "10 kB": LONG,
    "emoji": "🌳🛝",
    "kazakh": "Әсем Ғалым Қыз Ңң Өрен Ұлы Үміт Һ Іле",
    "russian": "Детская площадка «Солнышко»",
}
NON_ASCII = ("emoji", "kazakh", "russian", "rtl override")
SESSION_TITLE_LIMIT = 120


def payload_cases():
    return pytest.mark.parametrize("payload", list(PAYLOADS.values()), ids=list(PAYLOADS))


def bench(label: str = "", note: str = "") -> ConceptFeature:
    centre = SITE.boundary.centroid
    return ConceptFeature(id="f1", category="bench", geometry=Point(centre.x, centre.y), label=label, note=note)


# ----------------------------------------------------------------------------- the store round trip


@payload_cases()
def test_team_name_and_session_title_are_stored_exactly_or_refused_whole(store, payload):
    fits = len(payload) <= MAX_TEAM_NAME
    if not fits:
        with pytest.raises(CodesignError) as err:
            store.create_session(site=SITE.id, title="Форум", teams=[(payload, None)])
        assert (err.value.key, err.value.params) == ("session.bad_team_name", {"limit": MAX_TEAM_NAME})
        with pytest.raises(CodesignError) as err:
            store.create_session(site=SITE.id, title=payload, teams=[("Орлы", None)])
        assert (err.value.key, err.value.params) == ("session.bad_title", {"limit": SESSION_TITLE_LIMIT})
        assert store.list_sessions() == []  # nothing half-made on disk
        return
    session = store.create_session(site=SITE.id, title=payload, teams=[(payload, None), ("Соколы", None)])
    again = FileStore(store.root).load_session(session.id)
    assert again.title == payload
    assert again.teams[0].name == payload
    raw = (store.root / session.id / "session.json").read_bytes()
    assert json.loads(raw)["teams"][0]["name"] == payload
    if any(PAYLOADS[name] == payload for name in NON_ASCII):
        assert payload.encode("utf-8") in raw  # stored as UTF-8, not \\u escapes


FIELDS = {"title": MAX_TITLE, "description": MAX_DESCRIPTION, "label": MAX_LABEL, "note": MAX_NOTE}


def with_text(concept: Concept, field: str, text: str) -> Concept:
    """The concept with ``text`` in one field, through the same editing functions the pages use."""
    if field in ("title", "description"):
        return edit_metadata(concept, **{field: text})
    return edit_feature(concept, "f1", **{field: text})


@payload_cases()
@pytest.mark.parametrize("field", list(FIELDS))
def test_concept_text_is_stored_exactly_or_refused_with_the_length_error(store, payload, field):
    session = store.create_session(site=SITE.id, title="Форум", teams=[("Орлы", None)])
    concept = Concept(SITE.id, "team-1", features=(bench(),))
    limit = FIELDS[field]
    if len(payload) > limit:
        with pytest.raises(InvalidConceptError) as err:
            with_text(concept, field, payload)
        assert err.value.key == "concept.too_long"
        assert err.value.params == {"field": field, "limit": limit, "length": len(payload)}
        # built by hand, past the editors: the store refuses it too, and stores nothing
        by_hand = (
            replace(concept, **{field: payload})
            if field in ("title", "description")
            else replace(concept, features=(replace(bench(), **{field: payload}),))
        )
        with pytest.raises(InvalidConceptError) as err:
            store.save_concept(session.id, "team-1", by_hand, base_version=0)
        assert err.value.key == "concept.too_long"
        assert store.versions(session.id, "team-1") == []
        return
    store.save_concept(session.id, "team-1", with_text(concept, field, payload), base_version=0)
    loaded = FileStore(store.root).load_latest(session.id, "team-1")
    stored = getattr(loaded, field) if field in ("title", "description") else getattr(loaded.feature("f1"), field)
    assert stored == payload
    raw = (store.root / session.id / "concepts" / "team-1" / "v000001.geojson").read_bytes()
    if any(PAYLOADS[name] == payload for name in NON_ASCII):
        assert payload.encode("utf-8") in raw


# ----------------------------------------------------------------------------- maps and thumbnails


def rendered_maps(text: str) -> str:
    """The sketch map with the concept layer and a styled layer, all labelled ``text``, as HTML."""
    concept = Concept(SITE.id, "team-1", title=text, features=(bench(label=text, note=text),))
    m = sketch_map(SITE, "ru")
    concept_layer(concept, "ru").add_to(m)
    styled_layer([Styled(box(*SITE.boundary.buffer(-0.0002).bounds), "#4477AA", label=text)]).add_to(m)
    return m.get_root().render()


BASELINE_HTML = rendered_maps("plain")


@payload_cases()
def test_map_html_carries_user_text_as_data_never_as_markup(payload):
    html = rendered_maps(payload)
    for tag in ("<script", "</script", "<img", "<svg", "<iframe", "href="):
        assert html.count(tag) == BASELINE_HTML.count(tag), tag
    assert "innerHTML" not in html
    assert html.count("textContent") == BASELINE_HTML.count("textContent")  # tooltips are plain text
    assert htmlsafe_json_dumps(payload)[1:-1] in html  # the text itself is there, JSON-escaped


@payload_cases()
def test_thumbnail_title_is_escaped(payload):
    concept = Concept(SITE.id, "team-1", features=(bench(label=payload),))
    svg = concept_svg(concept, SITE, title=payload)
    assert f"<title>{escape(payload)}</title>" in svg
    assert svg.count("<script") == 0
    assert svg.count("<img") == 0
    assert svg.count("<svg") == 1
    assert ET.fromstring(svg).find("{http://www.w3.org/2000/svg}title").text == payload


# ----------------------------------------------------------------------------- identifiers

BAD_IDS = ["../x", "/abs", "a\x00b", "a\\b", "UPPER", ""]


def bad_id_cases():
    return pytest.mark.parametrize("bad", BAD_IDS, ids=["dotdot", "absolute", "nul", "backslash", "upper", "empty"])


def session_calls(session_id: str, session) -> list:
    """Every FileStore entry point that takes a session id, called with ``session_id``."""
    concept = Concept(SITE.id, "team-1")
    return [
        lambda s: s.load_session(session_id),
        lambda s: s.create_session(site=SITE.id, title="x", teams=[("A", None)], session_id=session_id),
        lambda s: s.update_session(replace(session, id=session_id)),
        lambda s: s.load_rounds(session_id),
        lambda s: s.update_rounds(session_id, lambda state: state),
        lambda s: s.load_votes(session_id),
        lambda s: s.update_votes(session_id, lambda rules_and_votes: rules_and_votes),
        lambda s: s.latest_version(session_id, "team-1"),
        lambda s: s.versions(session_id, "team-1"),
        lambda s: s.load_version(session_id, "team-1", 1),
        lambda s: s.load_latest(session_id, "team-1"),
        lambda s: s.save_concept(session_id, "team-1", concept, base_version=0),
        lambda s: s.damaged_versions(session_id),
    ]


def team_calls(session_id: str, team_id: str) -> list:
    """Every FileStore entry point that takes a team (owner) id, in a real session."""
    concept = Concept(SITE.id, "team-1")
    return [
        lambda s: s.latest_version(session_id, team_id),
        lambda s: s.versions(session_id, team_id),
        lambda s: s.load_version(session_id, team_id, 1),
        lambda s: s.load_latest(session_id, team_id),
        lambda s: s.save_concept(session_id, team_id, concept, base_version=0),
    ]


@bad_id_cases()
def test_every_store_entry_point_refuses_a_bad_session_team_or_site_id(store, bad):
    session = store.create_session(site=SITE.id, title="ok", teams=[("A", None)], session_id="good-session")
    before = sorted(p.relative_to(store.root) for p in store.root.rglob("*"))
    for call in [*session_calls(bad, session), *team_calls(session.id, bad)]:
        with pytest.raises(InvalidIdentifier):
            call(store)
    with pytest.raises(InvalidIdentifier):
        store.create_session(site=bad, title="x", teams=[("A", None)])
    assert sorted(p.relative_to(store.root) for p in store.root.rglob("*")) == before  # nothing written


@bad_id_cases()
def test_load_site_refuses_a_bad_site_id(bad):
    with pytest.raises(InvalidIdentifier):
        load_site(bad)


@pytest.fixture
def cli_env(tmp_path, monkeypatch, store):
    """A sessions folder with one session and an upload, for CLI runs."""
    monkeypatch.setenv("CODESIGN_SESSIONS_DIR", str(store.root))
    session = store.create_session(site=SITE.id, title="cli", teams=[("A", None)], session_id="cli-session")
    upload = tmp_path / "plan.geojson"
    upload.write_text(
        json.dumps(
            {
                "type": "Feature",
                "properties": {"type": "lawn"},
                "geometry": {"type": "Point", "coordinates": [76.937, 52.036]},
            }
        ),
        "utf-8",
    )
    return session, upload, tmp_path


def cli_commands(bad: str, session_id: str, upload: Path, out: Path) -> list[list[str]]:
    return [
        ["session", "show", bad],
        ["session", "new", "--site", bad, "--title", "x", "--teams", "A,B"],
        ["compare", bad, "--team", "team-1"],
        ["compare", session_id, "--team", bad],
        ["compare", session_id, "--team", "team-1", "--against", bad],
        ["consensus", bad],
        ["import", "plan", bad, str(upload)],
        ["import", "concept", bad, "team-1", str(upload)],
        ["import", "concept", session_id, bad, str(upload)],
        ["import", "site", bad, str(upload)],
        ["report", bad, "--out", str(out / "report.pdf")],
        ["export", bad, "--format", "geojson", "--out", str(out / "export.zip")],
    ]


@bad_id_cases()
def test_the_cli_refuses_a_bad_id_with_exit_code_2_and_a_message(cli_env, capsys, bad, monkeypatch):
    session, upload, tmp_path = cli_env
    parks = tmp_path / "parks"
    parks.mkdir()
    for command in cli_commands(bad, session.id, upload, tmp_path):
        if command[:2] == ["import", "site"]:
            monkeypatch.setenv("CODESIGN_PARKS_DIR", str(parks))  # nothing may be written there either
        assert main(command) == 2, command
        err = capsys.readouterr().err
        assert err.startswith("error: "), (command, err)
        assert "Traceback" not in err
        monkeypatch.delenv("CODESIGN_PARKS_DIR", raising=False)
    assert list(parks.iterdir()) == []
    assert not (tmp_path / "report.pdf").exists()
    assert not (tmp_path / "export.zip").exists()
