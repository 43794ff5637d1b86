"""The taxonomy is complete, and every message exists in every language with the same placeholders."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from codesign.domain.taxonomy import categories, category, geometry_kind
from codesign.i18n import LANGUAGES, catalogue, format_number, translate

ROOT = Path(__file__).resolve().parents[2]
REQUIRED = {
    "zone": [
        "playground",
        "sports_ground",
        "workout",
        "lawn",
        "tree_planting",
        "flower_beds",
        "plaza",
        "stage",
        "quiet_rest",
        "dog_area",
        "cafe",
        "parking",
        "water_feature",
    ],
    "path": ["walkway", "cycle_path"],
    "amenity": [
        "bench",
        "lamp",
        "bin",
        "drinking_water",
        "toilet",
        "bike_rack",
        "shade_pavilion",
        "art_object",
        "info_board",
        "tree",
    ],
}


@pytest.mark.parametrize("kind", REQUIRED)
def test_every_required_category_exists_with_its_kind(kind):
    assert [c.id for c in categories(kind)] == REQUIRED[kind]


def test_every_category_has_slug_colour_icon_and_three_labels():
    seen_labels = {lang: set() for lang in LANGUAGES}
    for c in categories():
        assert re.fullmatch(r"[a-z][a-z_]*", c.id)
        assert re.fullmatch(r"#[0-9A-F]{6}", c.colour)
        assert c.icon.strip()
        for lang in LANGUAGES:
            label = c.label(lang)
            assert label.strip()
            assert label not in seen_labels[lang], f"duplicate {lang} label {label}"
            seen_labels[lang].add(label)


def test_zone_colours_are_distinct_within_a_kind():
    for kind in REQUIRED:
        colours = [c.colour for c in categories(kind)]
        assert len(set(colours)) == len(colours)


def test_geometry_kinds():
    assert geometry_kind("Polygon") == "zone"
    assert geometry_kind("MultiLineString") == "path"
    assert geometry_kind("Point") == "amenity"
    assert category("parking").label("kk") == "Көлік тұрағы"


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_catalogue_has_every_key_with_the_same_placeholders():
    keys = {lang: set(catalogue(lang)) for lang in LANGUAGES}
    assert keys["ru"] == keys["kk"] == keys["en"], {lang: sorted(keys["en"] ^ keys[lang]) for lang in LANGUAGES}
    for key in keys["en"]:
        expected = _placeholders(catalogue("en")[key])
        for lang in LANGUAGES:
            assert _placeholders(catalogue(lang)[key]) == expected, (lang, key)


def _keys_used_in_code() -> set[str]:
    used: set[str] = set()
    pattern = re.compile(
        r"""(?:\bt|translate|Notice|Error|CodesignError|Denied|NotFound)\(\s*["']([a-z_]+\.[a-z_]+)["']"""
    )
    key_attr = re.compile(r"""^\s+key = "([a-z_]+\.[a-z_]+)\"""", re.M)
    for path in [*ROOT.glob("codesign/**/*.py"), *ROOT.glob("app_pages/*.py"), ROOT / "workshop_app.py"]:
        text = path.read_text(encoding="utf-8")
        used |= set(pattern.findall(text)) | set(key_attr.findall(text))
    used |= {f"kind.{k}" for k in REQUIRED}
    return used


def test_every_key_the_code_uses_is_in_the_catalogues():
    used = _keys_used_in_code()
    assert len(used) > 80
    missing = sorted(k for k in used if k not in catalogue("en"))
    assert missing == []


def test_leaflet_draw_strings_are_translated():
    from codesign.render.folium_language import draw_local

    assert draw_local("kk")["draw"]["toolbar"]["buttons"]["polygon"] == "Аймақ салу"
    assert draw_local("ru")["draw"]["handlers"]["marker"]["tooltip"]["start"].startswith("Коснитесь")


def test_translate_fills_placeholders_and_formats_numbers():
    assert translate("save.saved", "ru", version=3, time="10:05") == "Сохранено: версия 3 (10:05)"
    assert format_number(34808.4, "kk") == "34\xa0808"
    assert format_number(0.5, "en", digits=1) == "0.5"
