"""Every map builder with hostile text: the map still builds, and the text is shown as typed.

Template markers (``{{``, ``{%``, ``{#``) once broke every folium map that showed them (branca
compiles a rendered script as Jinja again, and ran ``{{ ... }}`` on the server); ``$...$`` is
mathtext to matplotlib. The builders are fuzzed with those, HTML, script tags, quotes, RTL and
emoji, long strings and control characters; hypothesis runs derandomized (same cases every run).
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import Point, box

from codesign.domain.concept import MAX_LABEL, MAX_TITLE, Concept, ConceptFeature
from codesign.domain.site import Site, load_site
from codesign.i18n import translate
from codesign.render.folium_language import language_layer
from codesign.render.folium_maps import Styled, concept_layer, context_geojson, script_json, sketch_map, styled_layer
from codesign.render.glyphs import printable
from codesign.render.mpl_map import SiteMap
from codesign.render.svg import concept_svg

SITE = load_site("aksu-city-square")
pytestmark = pytest.mark.filterwarnings("ignore:Glyph .* missing from font")  # emoji: DejaVu has none

NASTY = {
    "jinja expression": "{{ 7*7 }}",
    "jinja comment": "{# not closed",
    "jinja statement": "{% if %}",
    "jinja code": "{{lipsum.__globals__.os.getpid()}}",
    "folium element ref": "{{'map_div'}}",
    "jinja raw": "{% raw %}x{% endraw %}",
    "braces": "}}{{ }",
    "script": "</script><script>alert(1)</script>",
    "html": '"><img src=x onerror=alert(1)>',
    "svg": "<svg onload=alert(1)>",
    "mathtext": "$x^2$",
    "bad mathtext": r"$\foo{$",
    "tex": r"\textbf{x} $\frac{a}{b}$",
    "quotes": "\"'`\\",
    "markdown": "[click](http://evil) **bold** :red[x]",
    "rtl": "\u202eevil \u05e9\u05dc\u05d5\u05dd",
    "emoji": "🌳🛝👨‍👩‍👧",
    "kazakh": "Әсем Ғалым Қыз Ңң Өрен Ұлы Үміт Һ Іле",
    "control": "a\x00b\x1bc\x7f\u2028d",
    "long": "Ж{{" * 2000,
}
FRAGMENTS = [*NASTY.values(), "{", "}", "{{", "{%", "{#", "%}", "#}", "$", "<", ">", "&", "'", '"', "\\", "\n"]
#: Text made of nasty fragments and arbitrary characters.
hostile_text = st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=4), max_size=6).map("".join).filter(bool)
FUZZ = settings(
    max_examples=25, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
)


def nasty_cases():
    return pytest.mark.parametrize("text", list(NASTY.values()), ids=list(NASTY))


def hostile_site(text: str) -> Site:
    """The Aksu site with ``text`` as its attribution and as the name of every street."""
    context = json.loads(json.dumps(SITE.context))
    for feature in context["features"]:
        if feature["properties"].get("layer") == "street":
            feature["properties"]["name"] = text
    meta = {**SITE.meta, "attribution": {"text": text}}
    return replace(SITE, id=f"hostile-{abs(hash(text))}", meta=meta, context=context)


def concept_with(text: str) -> Concept:
    centre = SITE.boundary.centroid
    zone = box(centre.x - 0.0002, centre.y - 0.0001, centre.x + 0.0002, centre.y + 0.0001)
    return Concept(
        SITE.id,
        "team-1",
        title=text[:MAX_TITLE],
        features=(
            ConceptFeature("f1", "bench", Point(centre.x, centre.y), label=text[:MAX_LABEL], note=text[:500]),
            ConceptFeature("f2", "lawn", zone, label=text[:MAX_LABEL]),
        ),
    )


def embedded(html: str, marker: str, *, last: bool = False) -> object:
    """The JSON value that follows ``marker`` (its first or last time) in the page, decoded as the browser does."""
    start = (html.rindex(marker) if last else html.index(marker)) + len(marker)
    value, _ = json.JSONDecoder().raw_decode(html[start:])
    return value


def folium_html(text: str) -> str:
    """The sketch map of a hostile site, with a concept layer and a styled layer labelled ``text``."""
    site = hostile_site(text)
    m = sketch_map(site, "ru", context=context_geojson(site))
    concept_layer(concept_with(text), "ru").add_to(m)
    language_layer(site, "ru").add_to(m)
    styled_layer([Styled(box(*SITE.boundary.buffer(-0.0002).bounds), "#4477AA", label=text)]).add_to(m)
    return m.get_root().render()


BASELINE = folium_html("plain")


def check_folium(text: str) -> None:
    html = folium_html(text)
    for marker in ("{{", "{%", "{#", "<script", "</script", "<img", "<svg", "innerHTML"):
        assert html.count(marker) == BASELINE.count(marker), marker
    # the text arrives whole, as data the map sets with textContent
    features = embedded(html, "var data = ")["features"]
    assert [f["properties"]["label"] for f in features] == [text[:MAX_LABEL]] * 2
    assert features[0]["properties"]["note"] == text[:500]
    assert embedded(html, "attribution.textContent = ") == text  # the editable map: the same in every language
    assert embedded(html, "notice.textContent = ") == translate("map.illustrative", "ru")  # its language layer
    assert embedded(html, "L.geoJSON(", last=True)["features"][0]["properties"]["label"] == text
    streets = [f["properties"]["name"] for f in embedded(html, "var ctx = ")["features"] if "name" in f["properties"]]
    assert streets
    assert set(streets) == {text[:60]}


@nasty_cases()
def test_folium_maps_build_and_carry_nasty_text_as_data(text):
    check_folium(text)


@FUZZ
@given(hostile_text)
def test_folium_maps_build_and_carry_any_text_as_data(text):
    check_folium(text)


def test_script_json_reads_back_the_same_and_hides_every_template_marker():
    value = {"a": ["{{x}}", "{%y%}", "{#z#}", "</script>", "'&"], "b": {"c": {}}, "d": None, "e": 1.5}
    text = str(script_json(value))
    assert json.loads(text) == value
    for marker in ("{{", "{%", "{#", "<", ">", "&", "'"):
        assert marker not in text


# ----------------------------------------------------------------------------- SVG thumbnails


#: What XML 1.0 cannot hold at all (left out of the title; the rest is shown as typed).
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def check_svg(text: str) -> None:
    svg = concept_svg(concept_with(text), hostile_site(text), title=text)
    root = ET.fromstring(svg)  # well-formed XML, or the browser shows nothing at all
    title = root.find("{http://www.w3.org/2000/svg}title")
    shown = XML_INVALID.sub("", text).replace("\r\n", "\n").replace("\r", "\n")  # as an XML parser reads it
    assert title is not None
    assert (title.text or "") == shown
    assert len(root.findall("{http://www.w3.org/2000/svg}title")) == 1
    assert "<script" not in svg
    assert "<img" not in svg
    assert svg.count("<svg") == 1


@nasty_cases()
def test_svg_thumbnails_show_nasty_titles_as_text(text):
    check_svg(text)


@FUZZ
@given(hostile_text)
def test_svg_thumbnails_show_any_title_as_text(text):
    check_svg(text)


# ----------------------------------------------------------------------------- report maps (matplotlib)


def report_map_texts(text: str) -> list:
    """Draw a report map with ``text`` as street names, a legend entry and the note; its text artists."""
    from matplotlib.text import Text

    site = hostile_site(text)
    site_map = SiteMap(site, "ru", (120, 90), legend_mm=40, dpi=40)
    site_map.concept(concept_with(text))
    site_map.legend_patch("#4477AA", text)
    site_map.legend_line("#AA3377", text)
    site_map.number(*site.frame.boundary.centroid.coords[0], text, "#000000")
    png = site_map.png(note=text)
    assert png.startswith(b"\x89PNG")
    return site_map.figure.findobj(Text)


def check_report_map(text: str) -> None:
    texts = report_map_texts(text)
    for artist in texts:
        shown = artist.get_text()
        assert not artist.get_usetex()
        assert artist._preprocess_math(shown) == (shown, False), shown  # printed as typed, never mathtext
    printed = ["".join(a.get_text().split()) for a in texts]
    expected = printable(text, translate("report.missing_glyph", "ru"))  # emoji: a visible mark, not a box
    assert printed.count("".join(expected.split())) >= 3  # the number on the map, two legend entries (wrapped)


@nasty_cases()
def test_report_maps_print_nasty_text_as_typed(text):
    check_report_map(text)


@settings(max_examples=10, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
@given(hostile_text)
def test_report_maps_print_any_text_as_typed(text):
    check_report_map(text)
