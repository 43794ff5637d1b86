"""Icons: every category's icon is a vendored Material Symbol (licence beside it), drawn the same on
the map, in the gallery and in the report; no screen text or icon leans on an emoji font."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from codesign.domain.concept import Concept, ConceptFeature
from codesign.domain.site import load_site
from codesign.domain.taxonomy import categories
from codesign.errors import ConfigurationError
from codesign.i18n import LANGUAGES, catalogue
from codesign.render.folium_maps import concept_layer, sketch_map
from codesign.render.icons import ICON_DIR, icon_mpl_path, icon_path_data, icon_svg, streamlit_icon
from codesign.render.styles import amenity_marker
from codesign.render.svg import concept_svg

ROOT = Path(__file__).resolve().parents[2]
#: Characters shown as emoji (colour pictures from an emoji font): the pictographs from U+1F000 on,
#: the BMP characters whose default presentation is emoji, and anything asking for it (U+FE0F).
EMOJI = re.compile(
    "[\U0001f000-\U0001faff\ufe0f\u231a\u231b\u23e9-\u23ec\u23f0\u23f3\u25fd\u25fe\u2614\u2615"
    "\u2648-\u2653\u267f\u2693\u26a1\u26aa\u26ab\u26bd\u26be\u26c4\u26c5\u26ce\u26d4\u26ea\u26f2\u26f3"
    "\u26f5\u26fa\u26fd\u2705\u270a\u270b\u2728\u274c\u274e\u2753-\u2755\u2757\u2795-\u2797\u27b0\u27bf"
    "\u2b1b\u2b1c\u2b50\u2b55]"
)
SITE = load_site("aksu-city-square")


def test_every_category_has_a_vendored_icon_with_its_licence():
    assert (ICON_DIR / "LICENSE").read_text().lstrip().startswith("Apache License")
    assert "Apache" in (ICON_DIR / "README.md").read_text()
    names = {c.icon for c in categories()}
    assert len(names) == len(categories())  # one icon per category: told apart by icon too
    for name in names:
        assert re.fullmatch(r"[a-z0-9_]+", name), name
        assert icon_path_data(name).startswith("M")
        path = icon_mpl_path(name)
        assert len(path.vertices) > 4
        assert path.vertices.min() >= -0.51
        assert path.vertices.max() <= 0.51


def test_an_icon_that_is_not_vendored_is_a_clear_error():
    with pytest.raises(ConfigurationError):
        icon_path_data("no_such_icon")
    with pytest.raises(ConfigurationError):
        icon_path_data("../LICENSE")
    with pytest.raises(ValueError, match="colour"):
        icon_svg("park", colour='red" onload="x')


def test_the_icon_parser_reads_each_command_by_hand():
    # a 960-unit square drawn with M, H, V, h, v, Z, then a quadratic and its smooth twin
    from codesign.render.icons import _parse

    vertices, codes = _parse("M0-960H960V0h-960v-960ZM0-480q240-240 480 0t480 0")
    assert vertices[:6] == [(0, -960), (960, -960), (960, 0), (0, 0), (0, -960), (0, -960)]
    assert vertices[6:] == [(0, -480), (240, -720), (480, -480), (720, -240), (960, -480)]
    assert codes[:6] == [1, 2, 2, 2, 2, 79]
    assert codes[6:] == [1, 3, 3, 3, 3]


def test_the_map_the_gallery_and_the_report_draw_the_same_icon():
    bench = next(c for c in categories("amenity") if c.id == "bench")
    point = SITE.boundary.representative_point()
    concept = Concept(SITE.id, "team-1", features=(ConceptFeature("f1", "bench", point),))
    layer = concept_layer(concept, "ru")
    m = sketch_map(SITE, "ru")
    layer.add_to(m)
    html = m.get_root().render()
    assert icon_path_data(bench.icon) in html  # the marker's inline SVG
    assert icon_path_data(bench.icon) in concept_svg(concept, SITE)
    assert amenity_marker("bench") is icon_mpl_path(bench.icon)
    assert streamlit_icon(bench.icon) == ":material/chair:"
    assert not EMOJI.search(html)


def test_no_translated_text_and_no_page_uses_an_emoji():
    for lang in LANGUAGES:
        found = {k: v for k, v in catalogue(lang).items() if EMOJI.search(v)}
        assert found == {}, lang
    for path in [ROOT / "workshop_app.py", *sorted((ROOT / "app_pages").glob("*.py"))]:
        lines = [line for line in path.read_text(encoding="utf-8").splitlines() if EMOJI.search(line)]
        assert lines == [], path.name
    assert not EMOJI.search((ROOT / "codesign" / "data" / "taxonomy.toml").read_text(encoding="utf-8"))


def test_the_emoji_check_itself_catches_emoji():
    for text in ("🌳", "✏️", "☕", "⚽", "✅", "📶"):
        assert EMOJI.search(text), text
    for text in ("Қазақша", "⚠ контур", "м²", "•", "№", "→", "—"):
        assert not EMOJI.search(text), text
