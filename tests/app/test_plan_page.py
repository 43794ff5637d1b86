"""The plan page: upload, suggested mapping, preview, accept; bad files explained."""

from __future__ import annotations

from pathlib import Path

import pytest

from codesign.domain.session import PLAN_OWNER
from codesign.i18n import LANGUAGES, translate
from tests.app.test_pages import run_page

DATA = Path(__file__).resolve().parents[1] / "data" / "generated"


def upload(at, name: str):
    at.file_uploader(key="plan_file").upload(name, (DATA / name).read_bytes()).run()
    return at


@pytest.mark.parametrize("lang", LANGUAGES)
def test_upload_map_and_accept_a_plan(workshop, lang):
    store, session = workshop
    at = run_page("plan.py", lang, state={"facilitator": True, "current_session": session.id})
    assert not at.exception
    assert at.info[0].value == translate("plan.waiting", lang)
    upload(at, "aksu_plan_ru.geojson")
    assert not at.exception
    summary = at.get("markdown")
    text = " ".join(m.value for m in summary)
    assert translate("plan.summary", lang, kept=6, unmapped=1, rejected=0, area="§").split("§")[0][:12] in text
    next(b for b in at.button if b.label == translate("plan.accept", lang)).click().run()
    assert not at.exception
    plan = store.load_latest(session.id, PLAN_OWNER)
    assert sorted(f.category for f in plan.features) == ["bench", "lawn", "lawn", "parking", "playground", "walkway"]
    assert plan.source["attribute"] == "type"
    assert plan.source["mapping"]["Неизвестный объект"] is None


def test_changing_a_suggested_category_before_saving(workshop):
    store, session = workshop
    at = upload(
        run_page("plan.py", "en", state={"facilitator": True, "current_session": session.id}), "aksu_plan_ru.geojson"
    )
    unknown = next(
        s for s in at.selectbox if s.label == translate("plan.category_for", "en", value="Неизвестный объект")
    )
    unknown.select("stage").run()
    next(b for b in at.button if b.label == translate("plan.accept", "en")).click().run()
    assert "stage" in [f.category for f in store.load_latest(session.id, PLAN_OWNER).features]


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("zip_without_shp.zip", "import.zip_no_shp"),
        ("aksu_plan_utm43.dxf", "import.needs_crs"),
        ("xml_entities.kml", "import.xml_entities"),
    ],
)
def test_bad_files_are_explained_and_nothing_is_saved(workshop, name, key):
    store, session = workshop
    at = upload(run_page("plan.py", "ru", state={"facilitator": True, "current_session": session.id}), name)
    assert not at.exception
    assert at.error[0].value.startswith(translate(key, "ru").split("{")[0][:15])
    assert store.load_latest(session.id, PLAN_OWNER) is None


def test_a_cad_plan_lands_on_the_site_with_its_epsg(workshop):
    store, session = workshop
    at = run_page("plan.py", "en", state={"facilitator": True, "current_session": session.id})
    at.text_input(key="plan_crs").input("EPSG:32643")
    upload(at, "aksu_plan_utm43.dxf")
    assert not at.exception
    assert not at.error
    next(b for b in at.button if b.label == translate("plan.accept", "en")).click().run()
    assert store.load_latest(session.id, PLAN_OWNER).features
