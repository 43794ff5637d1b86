"""Paper sheets without photos: the printed sheet (QR code, markers, text, scale), the sheet code,
and a scan's marks turned into a concept by the importer's validation, with hand-computed answers."""

from __future__ import annotations

import functools
import io
from datetime import datetime

import cv2
import numpy as np
import pytest
import shapely
from pypdf import PdfReader

from codesign.domain.paper import SheetCode, from_paper, paper_note, parse_sheet_code, sheet_id_of
from codesign.domain.session import new_session
from codesign.domain.site import load_site
from codesign.errors import CodesignError, PaperScanError
from codesign.i18n import LANGUAGES, translate
from codesign.paper.concept import scan_to_concept
from codesign.paper.layout import CORNERS, MAP, MARKER_MM, Georeference, map_placement, marker_ids
from codesign.paper.marks import Mark
from codesign.paper.scan import SheetScan
from codesign.paper.sheet import build_sheets
from codesign.storage.files import FileStore
from tests.support.paper_photos import render_page

SITE = "aksu-city-square"


@functools.cache
def _site():
    return load_site(SITE)


def _session():
    return new_session(
        site=SITE,
        title="Forum",
        teams=[("Орлы", None), ("Соколы", None)],
        now=datetime(2026, 12, 1),
        session_id="forum",
    )


@pytest.mark.parametrize("paper", ["a4", "a3"])
def test_the_printed_qr_code_and_markers_say_whose_sheet_and_where(paper):
    pdf = build_sheets(_session(), _site(), "ru", paper, sheet_ids={"team-1": "K3XQ7M", "team-2": "7EJY6M"}, dpi=100)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 2
    width_mm = float(reader.pages[0].mediabox.width) / 72 * 25.4
    assert width_mm == pytest.approx(297 if paper == "a4" else 420, abs=0.5)
    k = 1.0 if paper == "a4" else 420 / 297
    px = 6.0 / k  # pixels per sheet unit, either size
    page = cv2.cvtColor(render_page(pdf, px / k, page=1), cv2.COLOR_RGB2GRAY)
    text, _, _ = cv2.QRCodeDetector().detectAndDecode(page)
    code = parse_sheet_code(text)
    centre, scale = map_placement(_site().frame.boundary.bounds, paper)
    assert code == SheetCode("forum", "team-2", "7EJY6M", paper, 32643, centre, scale)
    dictionary = cv2.aruco.getPredefinedDictionary(cv2.aruco.DICT_4X4_50)
    corners, ids, _ = cv2.aruco.ArucoDetector(dictionary).detectMarkers(page)
    found = {int(i): c.reshape(4, 2) / px for i, c in zip(ids.ravel(), corners, strict=True)}
    for corner, marker_id in marker_ids(paper).items():
        x, y = CORNERS[corner]
        assert np.abs(found[marker_id][0] - (x, y)).max() < 0.4  # its top-left corner, within 0.4 mm
        assert np.abs(found[marker_id][2] - (x + MARKER_MM, y + MARKER_MM)).max() < 0.4


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_sheet_speaks_the_language_and_names_the_team(lang):
    pdf = build_sheets(_session(), _site(), lang, teams=["team-2"], sheet_ids={"team-2": "7EJY6M"}, dpi=60)
    text = " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    assert "Соколы" in text
    for key in ("paper.sheet.how", "paper.colour.orange", "paper.sheet.legend"):
        assert translate(key, lang) in text
    assert "7EJY6M" in text


def test_the_map_is_printed_at_a_round_scale_with_the_site_inside_it():
    centre, scale = map_placement(_site().frame.boundary.bounds, "a4")
    assert scale == 1500  # the Aksu square (about 240 x 180 m with its margin) on a 189 mm wide map
    units = Georeference("a4", centre, scale).to_units(np.asarray(_site().frame.boundary.exterior.coords))
    assert units[:, 0].min() > MAP.x0 + 5
    assert units[:, 0].max() < MAP.x1 - 5
    assert units[:, 1].min() > MAP.y0 + 5
    assert units[:, 1].max() < MAP.y1 - 5
    georef = Georeference("a3", (1000, 2000), 1250)
    round_trip = georef.to_metres(georef.to_units([[1012.5, 1990.0]]))
    assert round_trip == pytest.approx(np.array([[1012.5, 1990.0]]))
    # 10 mm on A3 paper (7.07 sheet units) at 1:1250 is 12.5 m
    assert georef.to_metres([[MAP.x0 + 10 / (420 / 297), MAP.y0]])[0, 0] - georef.extent[0] == pytest.approx(12.5)


@pytest.mark.parametrize(
    "text",
    [
        "https://example.org",
        "TQC1:FORUM:TEAM-1:K3XQ7M:A4:32643:1:2",  # a field short
        "TQC1:FORUM:TEAM-1:K3XQ7I:A4:32643:1:2:1500",  # I is not in the sheet alphabet
        "TQC1:FORUM:TEAM-1:K3XQ7M:A5:32643:1:2:1500",
        "TQC1:FORUM:TEAM-1:K3XQ7M:A4:32643:1:2:10",  # scale 1:10
        "TQC1:../ETC:TEAM-1:K3XQ7M:A4:32643:1:2:1500",
        "TQC1:FORUM:TEAM-1:K3XQ7M:A4:32643:1e9:2:1500",
        None,
        "TQC1:" + "A" * 400,
    ],
)
def test_anything_but_a_sheet_code_is_refused(text):
    with pytest.raises(PaperScanError) as refused:
        parse_sheet_code(text)
    assert refused.value.key == "paper.bad_code"


def _scan(marks, code: SheetCode | None = None) -> SheetScan:
    centre, scale = map_placement(_site().frame.boundary.bounds, "a4")
    code = code or SheetCode("forum", "team-1", "K3XQ7M", "a4", 32643, centre, scale)
    georef = Georeference("a4", code.centre, code.scale)
    in_units = [Mark(c, k, shapely.transform(g, georef.to_units)) for c, k, g in marks]
    return SheetScan("a4", code, None, tuple(in_units), {}, np.zeros((1, 1, 3), np.uint8), 0.1, 10.0, 4)


def test_marks_become_features_through_the_importers_checks():
    """Known shapes in metres: a 30 x 20 m lawn, a bench, a dot mapped to a zone, an unmapped colour."""
    cx, cy = _site().frame.boundary.centroid.coords[0]
    lawn = shapely.box(cx - 15, cy - 10, cx + 15, cy + 10)
    bench = shapely.Point(cx + 30, cy + 5)
    scan = _scan(
        [
            ("green", "area", lawn),
            ("purple", "dot", bench),
            ("red", "dot", shapely.Point(cx - 30, cy)),
            ("orange", "area", shapely.box(cx + 40, cy - 40, cx + 55, cy - 30)),
        ]
    )
    result = scan_to_concept(
        scan, _site(), "team-1", {"green": "lawn", "purple": "bench", "red": "playground"}, title="С бумаги"
    )
    by_category = {f.category: f for f in result.concept.features}
    assert sorted(by_category) == ["bench", "lawn"]
    frame = _site().frame
    assert frame.to_metric(by_category["lawn"].geometry).area == pytest.approx(600.0, abs=0.5)
    assert frame.to_metric(by_category["bench"].geometry).distance(bench) < 0.05
    assert [(i, n.key) for i, n in result.rejected] == [(3, "import.wrong_kind")]  # a dot cannot be a playground
    assert result.unmapped == ((4, "orange", "Polygon"),)
    assert result.concept.title == "С бумаги"
    assert result.concept.source == {
        "format": "paper",
        "sheet": "K3XQ7M",
        "paper": "a4",
        "scale": 1500,
        "photo": "photo.jpg",
        "mapping": {"red": "playground", "green": "lawn", "orange": None, "purple": "bench"},
        "marks": {"red": 1, "green": 1, "orange": 1, "purple": 1},
    }


def test_a_mark_outside_the_site_is_clipped_or_refused_as_a_drawing_is():
    minx, miny, maxx, maxy = _site().frame.boundary.bounds
    half_out = shapely.box(minx - 20, (miny + maxy) / 2 - 10, minx + 20, (miny + maxy) / 2 + 10)
    far_dot = shapely.Point(maxx + 15, maxy + 15)
    result = scan_to_concept(
        _scan([("green", "area", half_out), ("purple", "dot", far_dot)]),
        _site(),
        "team-1",
        {"green": "lawn", "purple": "bench"},
    )
    assert [f.category for f in result.concept.features] == ["lawn"]
    assert _site().frame.to_metric(result.concept.features[0].geometry).area < half_out.area * 0.75
    assert [i for i, _ in result.rejected] == [2]


def test_a_sheet_of_another_site_is_refused():
    code = SheetCode("forum", "team-1", "K3XQ7M", "a4", 32642, (500000, 5000000), 1500)
    with pytest.raises(PaperScanError) as refused:
        scan_to_concept(_scan([], code), _site(), "team-1", {})
    assert refused.value.key == "paper.other_site"


def test_unknown_colours_and_categories_are_refused_in_the_mapping():
    with pytest.raises(ValueError, match="black"):
        scan_to_concept(_scan([]), _site(), "team-1", {"black": "lawn"})
    with pytest.raises(CodesignError) as unknown:
        scan_to_concept(_scan([]), _site(), "team-1", {"red": "volcano"})
    assert unknown.value.key == "error.unknown_category"


def test_a_saved_paper_concept_is_marked_from_paper_after_reloading(tmp_path):
    store = FileStore(tmp_path)
    session = store.create_session(site=SITE, title="Forum", teams=[("Орлы", None)])
    cx, cy = _site().frame.boundary.centroid.coords[0]
    result = scan_to_concept(
        _scan([("green", "area", shapely.box(cx, cy, cx + 20, cy + 20))]), _site(), "team-1", {"green": "lawn"}
    )
    store.save_concept(session.id, "team-1", result.concept, base_version=None)
    reloaded = store.load_latest(session.id, "team-1")
    assert from_paper(reloaded)
    assert sheet_id_of(reloaded) == "K3XQ7M"
    assert paper_note(reloaded, "ru") == "с бумаги, лист K3XQ7M"


def test_a_hostile_photo_name_is_kept_as_plain_printable_text():
    cx, cy = _site().frame.boundary.centroid.coords[0]
    name = "IMG\x00<script>alert(1)</script>\n" + "x" * 300 + ".jpg"
    result = scan_to_concept(
        _scan([("green", "area", shapely.box(cx, cy, cx + 20, cy + 20))]),
        _site(),
        "team-1",
        {"green": "lawn"},
        photo_name=name,
    )
    assert result.concept.source["photo"] == ("IMG<script>alert(1)</script>" + "x" * 300)[:120]
