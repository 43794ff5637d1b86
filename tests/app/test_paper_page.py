"""The "Paper sheets" desk page: print every team's sheet; upload a photo, map the colours, save "from paper"."""

from __future__ import annotations

import pytest

from app_pages.common import md
from codesign.domain.paper import from_paper
from codesign.domain.site import load_site
from codesign.i18n import LANGUAGES, translate
from codesign.services.paper import session_sheets
from tests.app.test_pages import run_page
from tests.support.paper_photos import PhotoSettings, aksu_drawing, draw_on_page, photograph, render_page

PX_PER_MM = 8.0


def _photo(store, session_id: str, team: str = "team-1", seed: int = 1) -> bytes:
    site = load_site("aksu-city-square")
    pdf = session_sheets(store, session_id, "ru", teams=[team], dpi=150)
    page, _ = draw_on_page(render_page(pdf, PX_PER_MM), PX_PER_MM, site, "a4", aksu_drawing(site), seed=seed)
    return photograph(page, PhotoSettings(size=(3000, 2250), seed=seed))


def _upload(at, data: bytes):
    at.file_uploader(key="paper_photo").upload("IMG_0412.jpg", data, "image/jpeg").run(timeout=60)
    return at


def _mapping_box(at, colour: str, lang: str):
    label = translate("paper.category_for", lang, colour=translate(f"paper.colour.{colour}", lang))
    return next(s for s in at.selectbox if s.label == label)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_upload_map_the_colours_and_save_from_paper(workshop, lang):
    store, session = workshop
    at = run_page("paper.py", lang, state={"facilitator": True, "current_session": session.id})
    assert not at.exception
    assert at.info[0].value == translate("paper.upload.waiting", lang)
    _upload(at, _photo(store, session.id))
    assert not at.exception, at.exception
    opening = translate("paper.read", lang, sheet="§", team="§", markers=4, seconds="§").split("§")[0]
    assert any(s.value.startswith(opening) for s in at.success)
    for colour, category_id in (
        ("red", "playground"),
        ("green", "lawn"),
        ("blue", "water_feature"),
        ("purple", "bench"),
    ):
        _mapping_box(at, colour, lang).select(category_id).run(timeout=60)
    assert not at.exception
    save = translate("paper.save", lang, team="Орлы")
    next(b for b in at.button if b.label == save).click().run(timeout=60)
    assert not at.exception
    saved = store.load_latest(session.id, "team-1")
    assert from_paper(saved)
    assert sorted(f.category for f in saved.features) == ["bench"] * 4 + [
        "lawn",
        "playground",
        "playground",
        "water_feature",
    ]
    assert saved.source["mapping"] == {
        "red": "playground",
        "blue": "water_feature",
        "green": "lawn",
        "orange": None,
        "purple": "bench",
    }
    assert any(translate("paper.saved", lang, team="Орлы", version=1) == s.value for s in at.success)


def test_only_kinds_that_fit_are_offered_for_a_colour(workshop):
    store, session = workshop
    at = _upload(
        run_page("paper.py", "en", state={"facilitator": True, "current_session": session.id}),
        _photo(store, session.id),
    )
    dots = _mapping_box(at, "purple", "en").options
    areas = _mapping_box(at, "green", "en").options
    assert any("Bench" in option for option in dots)
    assert not any("Bench" in option for option in areas)
    assert any("Lawn" in option for option in areas)
    assert not set(dots[1:]) & set(areas[1:])


def test_another_sessions_sheet_is_refused_on_the_page(workshop):
    store, session = workshop
    other = store.create_session(site="aksu-city-square", title="Other", teams=[("X", None)])
    at = _upload(
        run_page("paper.py", "kk", state={"facilitator": True, "current_session": session.id}), _photo(store, other.id)
    )
    assert not at.exception
    assert at.error[0].value == translate("paper.other_session", "kk", session=other.id.replace("-", "\\-"))
    assert store.load_latest(session.id, "team-1") is None


def test_a_file_that_is_not_a_photo_is_explained(workshop):
    _, session = workshop
    at = run_page("paper.py", "ru", state={"facilitator": True, "current_session": session.id})
    at.file_uploader(key="paper_photo").upload("sheet.png", b"\x89PNG\r\n\x1a\n broken", "image/png").run()
    assert not at.exception
    assert at.error[0].value == translate("paper.not_a_photo", "ru")


def test_the_facilitator_makes_every_teams_sheet_with_one_button(workshop):
    _, session = workshop
    at = run_page("facilitator.py", "ru", state={"facilitator": True, "current_session": session.id})
    assert not at.exception
    make = translate("paper.print.make", "ru", count=2)
    next(b for b in at.button if b.label == make).click().run(timeout=60)
    assert not at.exception
    sheets = [d for d in at.get("download_button") if d.key == "facilitator_print_download"]
    assert len(sheets) == 1
    assert sheets[0].label == translate("paper.print.download", "ru", count=2)


def test_a_reviewer_cannot_open_the_paper_page(workshop):
    _, session = workshop
    at = run_page("paper.py", "en", state={"current_session": session.id})
    assert at.error[0].value == translate("error.access_denied", "en")


def _paper_concept(store, session_id: str):
    """The demo team's concept saved as if scanned from sheet K3XQ7M, and the demo plan."""
    import json
    from dataclasses import replace

    from codesign.domain.concept import concept_from_geojson
    from codesign.domain.session import PLAN_OWNER

    folder = load_site("aksu-city-square").folder
    concept = concept_from_geojson(json.loads((folder / "demo" / "team-1.geojson").read_text(encoding="utf-8")))
    store.save_concept(session_id, "team-1", replace(concept, source={"format": "paper", "sheet": "K3XQ7M"}), 0)
    plan = concept_from_geojson(json.loads((folder / "akimat_plan.geojson").read_text(encoding="utf-8")))
    store.save_concept(session_id, PLAN_OWNER, plan, 0)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_comparison_and_the_gallery_say_from_paper(workshop, lang):
    store, session = workshop
    _paper_concept(store, session.id)
    note = md(translate("paper.from_paper_sheet", lang, sheet="K3XQ7M"))  # as markdown: punctuation escaped
    at = run_page("compare.py", lang, state={"facilitator": True, "current_session": session.id})
    assert not at.exception
    assert any(note in m.value for m in at.markdown)
    at = run_page(
        "projector.py", lang, state={"facilitator": True, "current_session": session.id, "projector_view": "gallery"}
    )
    assert not at.exception
    assert any(note in c.value for c in at.caption)
