"""Sketch page flows under AppTest: undo, conflicts between tablets, failed saves, restore."""

from __future__ import annotations

from unittest import mock

from shapely.geometry import Point

from codesign.domain.concept import Concept, ConceptFeature
from codesign.domain.site import load_site
from codesign.errors import StoreError
from codesign.i18n import translate
from tests.app.test_pages import fake_map, run_page

SITE = load_site("aksu-city-square")
C = SITE.boundary.centroid


def point(dx: float = 0.0, draft: str = "d1") -> dict:
    return {
        "type": "Feature",
        "properties": {"draft": draft},
        "geometry": {"type": "Point", "coordinates": [C.x + dx, C.y]},
    }


def button(at, label: str):
    return next(b for b in at.button if b.label == label)


def test_undo_saves_the_previous_state_as_a_new_version(workshop):
    store, session = workshop
    team = session.teams[0]
    with mock.patch("streamlit_folium.st_folium", fake_map([point()])):
        at = run_page("sketch.py", "en", params={"s": session.id, "t": team.token})
        at.run()
        assert len(store.load_latest(session.id, team.id).features) == 1
        button(at, translate("sketch.undo", "en")).click().run()
    assert not at.exception
    latest = store.load_latest(session.id, team.id)
    assert (latest.version, len(latest.features)) == (2, 0)
    assert translate("sketch.undone", "en") in [i.value for i in at.info]


def test_a_second_tablet_conflict_is_offered_as_a_merge(workshop):
    store, session = workshop
    team = session.teams[0]
    theirs = Concept(
        session.site, team.id, title="from tablet B", features=(ConceptFeature("f1", "lamp", Point(C.x - 0.0002, C.y)),)
    )
    at = run_page("sketch.py", "en", params={"s": session.id, "t": team.token})  # tablet A opens version 0
    store.save_concept(session.id, team.id, theirs, base_version=0)  # tablet B saves version 1
    with mock.patch("streamlit_folium.st_folium", fake_map([point()])):
        at.run()
        at.run()
        assert not at.exception
        assert at.warning[0].value == translate("save.conflict", "en", latest=1)
        assert store.load_latest(session.id, team.id).title == "from tablet B"  # nothing overwritten
        button(at, translate("save.merge", "en")).click().run()
    assert not at.exception
    merged = store.load_latest(session.id, team.id)
    assert merged.version == 2
    assert sorted(f.category for f in merged.features) == ["bench", "lamp"]
    assert merged.title == "from tablet B"


def test_a_failed_save_keeps_the_drawing_and_retries(workshop):
    store, session = workshop
    team = session.teams[0]
    real_save = type(store).save_concept
    with (
        mock.patch("streamlit_folium.st_folium", fake_map([point()])),
        mock.patch.object(type(store), "save_concept", side_effect=StoreError(reason="No space left on device")),
    ):
        at = run_page("sketch.py", "ru", params={"s": session.id, "t": team.token})
        at.run()
        assert not at.exception
        assert "No space left on device" in at.error[0].value
        assert store.load_latest(session.id, team.id) is None
    with (
        mock.patch("streamlit_folium.st_folium", fake_map([point()])),
        mock.patch.object(type(store), "save_concept", real_save),
    ):
        button(at, translate("save.retry", "ru")).click().run()
        assert not at.exception
    assert [f.category for f in store.load_latest(session.id, team.id).features] == ["bench"]


def test_restore_an_earlier_version(workshop):
    store, session = workshop
    team = session.teams[0]
    v1 = store.save_concept(session.id, team.id, Concept(session.site, team.id, title="first"), 0)
    store.save_concept(session.id, team.id, Concept(session.site, team.id, title="second"), v1.version)
    at = run_page("sketch.py", "en", params={"s": session.id, "t": team.token})
    at.selectbox(key="version_pick").select(1).run()
    button(at, translate("versions.restore", "en")).click().run()
    assert not at.exception
    latest = store.load_latest(session.id, team.id)
    assert (latest.version, latest.title) == (3, "first")


def test_editing_a_feature_in_the_panel(workshop):
    store, session = workshop
    team = session.teams[0]
    concept = Concept(session.site, team.id, features=(ConceptFeature("f1", "bench", Point(C.x, C.y)),))
    store.save_concept(session.id, team.id, concept, 0)
    at = run_page("sketch.py", "kk", params={"s": session.id, "t": team.token})
    form_selects = [s for s in at.selectbox if s.label == translate("feature.category", "kk")]
    form_selects[0].select("lamp")
    [note] = [a for a in at.text_area if a.label == translate("feature.note", "kk")]
    note.input('=HYPERLINK("http://x") <script>alert(1)</script>')
    next(b for b in at.button if b.label == translate("feature.apply", "kk")).click().run()
    assert not at.exception
    saved = store.load_latest(session.id, team.id).feature("f1")
    assert (saved.category, saved.note) == ("lamp", '=HYPERLINK("http://x") <script>alert(1)</script>')


def test_preview_an_earlier_version_on_a_read_only_map(workshop):
    store, session = workshop
    team = session.teams[0]
    old = Concept(session.site, team.id, features=(ConceptFeature("f1", "toilet", Point(C.x, C.y)),))
    v1 = store.save_concept(session.id, team.id, old, 0)
    store.save_concept(session.id, team.id, Concept(session.site, team.id), v1.version)
    at = run_page("sketch.py", "ru", params={"s": session.id, "t": team.token})
    at.selectbox(key="version_pick").select(1)
    at.toggle(key="version_preview").set_value(True).run()
    assert not at.exception
    assert translate("versions.preview", "ru", version=1) in [c.value for c in at.caption]
    assert store.load_latest(session.id, team.id).features == ()  # viewing changes nothing


def test_team_colours_typed_by_the_facilitator(workshop):
    store, _ = workshop
    at = run_page("facilitator.py", "ru", state={"facilitator": True})
    at.text_input[0].input("Цвета")
    at.text_area[0].input("Жасыл аула #228833\nСемьи Аксу")
    at.button[0].click().run()
    assert not at.exception
    [created] = [s for s in store.list_sessions() if s.title == "Цвета"]
    assert [(t.name, t.colour) for t in created.teams] == [("Жасыл аула", "#228833"), ("Семьи Аксу", "#EE6677")]
