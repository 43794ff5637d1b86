"""Photos of a real printed sheet, drawn on with known shapes: the scan finds each one again.

The photos are made in the test (tests/support/paper_photos.py) from the PDF that
``build_sheets`` prints, and never stored: shapes of known geometry are drawn in the pen colours
(outlined, coloured in solid or hatched, with a hand's wobble), dots are pressed in, black
handwriting crosses them, then the page is photographed in perspective, rotated, lit unevenly,
blurred, noised and saved as JPEG. Each area must come back with IoU >= 0.9 and each dot
within 2 m, with no mark found that was not drawn.
"""

from __future__ import annotations

import functools
from dataclasses import replace
from datetime import datetime

import numpy as np
import pytest
import shapely

from codesign.domain.session import new_session
from codesign.domain.site import load_site
from codesign.errors import PaperScanError
from codesign.paper.concept import marks_in_metres
from codesign.paper.scan import scan_photo
from codesign.paper.sheet import build_sheets
from tests.support.paper_photos import PhotoSettings, aksu_drawing, draw_on_page, photograph, render_page

SITE = "aksu-city-square"
PX_PER_MM = 8.0
SMALLER = (3000, 2250)  # 6.75 megapixels: the same sheet, a quicker test; one test takes 12 MP


@functools.cache
def _site():
    return load_site(SITE)


@functools.cache
def _session(session_id: str):
    return new_session(
        site=SITE, title="Forum", teams=[("A", None), ("B", None)], now=datetime(2026, 12, 1), session_id=session_id
    )


@functools.cache
def _page(paper: str = "a4", session_id: str = "forum-paper", lang: str = "ru") -> np.ndarray:
    session = _session(session_id)
    pdf = build_sheets(session, _site(), lang, paper, teams=["team-1"], sheet_ids={"team-1": "K3XQ7M"}, dpi=150)
    return render_page(pdf, PX_PER_MM / (1.0 if paper == "a4" else 2**0.5))


@functools.cache
def _drawn(paper: str = "a4", seed: int = 1):
    px = PX_PER_MM / (1.0 if paper == "a4" else 2**0.5)
    return draw_on_page(_page(paper), px, _site(), paper, aksu_drawing(_site()), seed=seed)


def _matches(scan, drawn):
    """Each drawn shape's best match among the marks of its colour: IoU for areas, metres for dots."""
    marks = marks_in_metres(scan, _site())
    results = []
    for shape in drawn:
        same = [(kind, geom) for colour, kind, geom in marks if colour == shape.colour]
        if shape.geometry.geom_type == "Point":
            distances = [geom.distance(shape.geometry) for kind, geom in same if kind == "dot"]
            results.append(("dot", shape.colour, min(distances, default=np.inf)))
        else:
            ious = [
                geom.intersection(shape.geometry).area / geom.union(shape.geometry).area
                for kind, geom in same
                if kind == "area"
            ]
            results.append(("area", shape.colour, max(ious, default=0.0)))
    return marks, results


def _assert_recovered(scan, drawn):
    marks, results = _matches(scan, drawn)
    for kind, colour, value in results:
        if kind == "area":
            assert value >= 0.9, f"{colour} area: IoU {value:.3f}"
        else:
            assert value <= 2.0, f"{colour} dot: {value:.2f} m away"
    assert len(marks) == len(drawn), [(c, k, round(g.area, 1)) for c, k, g in marks]


CASES = {
    "tilted_warm_light": PhotoSettings(size=SMALLER, seed=1),
    "upside_down_dim_corner": PhotoSettings(size=SMALLER, rotation=183.0, light=0.55, shadow=0.4, seed=2),
    "quarter_turn_steep": PhotoSettings(size=SMALLER, rotation=-94.0, tilt=0.12, fill=0.6, seed=3),
    "soft_noisy_jpeg": PhotoSettings(size=SMALLER, blur=2.0, noise=7.0, quality=70, warm=False, seed=4),
}


@pytest.mark.parametrize("settings", CASES.values(), ids=CASES.keys())
def test_every_drawn_shape_comes_back_within_the_tolerances(settings):
    page, drawn = _drawn()
    scan = scan_photo(photograph(page, settings), "forum-paper")
    assert scan.code is not None
    assert (scan.code.team, scan.code.sheet) == ("team-1", "K3XQ7M")
    assert scan.markers == 4
    _assert_recovered(scan, drawn)


def test_a_twelve_megapixel_photo_of_an_a3_sheet():
    page, drawn = _drawn("a3", seed=5)
    scan = scan_photo(photograph(page, PhotoSettings(seed=5)), "forum-paper")
    assert scan.paper == "a3"
    assert scan.code is not None
    assert scan.code.paper == "a3"
    _assert_recovered(scan, drawn)


def test_the_known_answer_is_what_the_hand_drew():
    """The drawn geometry is the wobbly line, close to (not equal to) the shape asked for."""
    shapes = aksu_drawing(_site())
    _, drawn = _drawn()
    for shape, line in zip(shapes, drawn, strict=True):
        if shape.geometry.geom_type == "Point":
            assert line.geometry.distance(shape.geometry) < 0.5
        else:
            iou = line.geometry.intersection(shape.geometry).area / line.geometry.union(shape.geometry).area
            assert 0.8 < iou < 0.995


def test_another_sessions_sheet_is_refused_with_its_session():
    session = _session("other-forum")
    pdf = build_sheets(session, _site(), "kk", teams=["team-1"], dpi=150)
    page, _ = draw_on_page(render_page(pdf, PX_PER_MM), PX_PER_MM, _site(), "a4", aksu_drawing(_site()))
    with pytest.raises(PaperScanError) as refused:
        scan_photo(photograph(page, PhotoSettings(size=SMALLER)), "forum-paper")
    assert refused.value.key == "paper.other_session"
    assert refused.value.params == {"session": "other-forum"}


def test_a_photo_without_markers_is_refused():
    page, _ = _drawn()
    covered = page.copy()
    height, width = page.shape[:2]
    reach = int(30 * PX_PER_MM)  # the corner markers cut off: the middle of the sheet only
    covered = covered[reach : height - reach, reach : width - reach]
    with pytest.raises(PaperScanError) as refused:
        scan_photo(photograph(covered, PhotoSettings(size=SMALLER)), "forum-paper")
    assert refused.value.key == "paper.no_markers"
    assert refused.value.params == {"found": 0}


def test_two_markers_are_not_enough():
    page, _ = _drawn()
    half = page[:, : page.shape[1] // 2]  # the left half: two markers
    with pytest.raises(PaperScanError) as refused:
        scan_photo(photograph(half, PhotoSettings(size=SMALLER, fill=0.5)), "forum-paper")
    assert refused.value.key == "paper.no_markers"
    assert refused.value.params == {"found": 2}


def test_an_empty_sheet_is_refused_as_nothing_drawn():
    page, _ = draw_on_page(_page(), PX_PER_MM, _site(), "a4", [])  # handwriting only, in black
    with pytest.raises(PaperScanError) as refused:
        scan_photo(photograph(page, PhotoSettings(size=SMALLER)), "forum-paper")
    assert refused.value.key == "paper.nothing_drawn"


def test_a_blurred_photo_is_refused_with_its_blur():
    page, _ = _drawn()
    with pytest.raises(PaperScanError) as refused:
        scan_photo(photograph(page, PhotoSettings(size=SMALLER, blur=7.0)), "forum-paper")
    assert refused.value.key == "paper.blurred"
    assert refused.value.params["blur"] > refused.value.params["limit"]


def test_a_sheet_too_small_in_the_photo_is_refused():
    page, _ = _drawn()
    with pytest.raises(PaperScanError) as refused:
        scan_photo(photograph(page, PhotoSettings(size=SMALLER, fill=0.22, tilt=0.02)), "forum-paper")
    assert refused.value.key == "paper.sheet_too_small"
    assert refused.value.params["width"] < refused.value.params["needed"]


def test_a_photo_of_too_few_pixels_is_refused_before_decoding():
    page, _ = _drawn()
    with pytest.raises(PaperScanError) as refused:
        scan_photo(photograph(page, PhotoSettings(size=(1000, 750))), "forum-paper")
    assert refused.value.key == "paper.photo_too_small"
    assert refused.value.params == {"width": 1000, "height": 750}


@pytest.mark.parametrize(
    ("data", "key"),
    [
        (b"%PDF-1.7 not a photo", "paper.not_a_photo"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00", "paper.heic"),
        (b"\xff\xd8\xff\xe0 truncated", "paper.not_a_photo"),
    ],
)
def test_files_that_are_not_photos_are_refused(data, key):
    with pytest.raises(PaperScanError) as refused:
        scan_photo(data)
    assert refused.value.key == key


def test_a_huge_image_is_refused_from_its_header():
    """A PNG that claims 100 megapixels is refused before any pixel is decoded."""
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", 10_000, 10_000, 8, 2, 0, 0, 0)
    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 30))
        + chunk(b"IEND", b"")
    )
    with pytest.raises(PaperScanError) as refused:
        scan_photo(png)
    assert refused.value.key == "paper.too_many_pixels"
    assert refused.value.params["mp"] == 100


def test_an_outline_left_open_by_a_small_gap_is_still_an_area():
    site = _site()
    cx, cy = site.frame.boundary.centroid.coords[0]
    square = shapely.box(cx - 20, cy - 15, cx + 20, cy + 15)
    page, drawn = draw_on_page(_page(), PX_PER_MM, site, "a4", [_open_outline(square)])
    scan = scan_photo(photograph(page, PhotoSettings(size=SMALLER, seed=7)), "forum-paper")
    (colour, kind, geometry), *others = marks_in_metres(scan, site)
    assert (colour, kind, others) == ("blue", "area", [])
    iou = geometry.intersection(square).area / geometry.union(square).area
    assert iou >= 0.9, iou


def _open_outline(polygon):
    """A blue outline whose ring stops about 2 mm on paper (3 m at 1:1500) before it closes."""
    from tests.support.paper_photos import Shape

    ring = shapely.LineString(polygon.exterior.coords)
    return Shape("blue", shapely.ops.substring(ring, 0, ring.length - 3.0), "line")


def test_the_scan_is_the_same_whatever_the_seed_of_the_noise():
    """Two photos of one sheet (other noise, light and placement) give the same areas within 2 %."""
    page, _ = _drawn()
    first = scan_photo(photograph(page, PhotoSettings(size=SMALLER, seed=11)), "forum-paper")
    second = scan_photo(photograph(page, replace(PhotoSettings(size=SMALLER), seed=12, rotation=-5)), "forum-paper")
    areas = [sorted(g.area for _, k, g in marks_in_metres(s, _site()) if k == "area") for s in (first, second)]
    assert np.allclose(areas[0], areas[1], rtol=0.02)


def test_a_sheet_whose_qr_code_is_covered_is_placed_by_its_size_and_the_team_chosen(tmp_path):
    """A hand over the QR code: the marks are still placed (the sheet's map at the site's round scale)."""
    from codesign.paper.layout import QR
    from codesign.services.paper import scan_for_session
    from codesign.storage.files import FileStore

    page, drawn = _drawn()
    covered = page.copy()
    covered[int((QR.y0 - 2) * PX_PER_MM) : int((QR.y1 + 2) * PX_PER_MM), int((QR.x0 - 2) * PX_PER_MM) :] = 255
    photo = photograph(covered, PhotoSettings(size=SMALLER, seed=9))
    scan = scan_photo(photo, "forum-paper")
    assert scan.code is None
    assert scan.code_error.key == "paper.qr_unreadable"
    _assert_recovered(scan, drawn)
    store = FileStore(tmp_path)
    session = store.create_session(site=SITE, title="Forum", teams=[("A", None)])
    assert scan_for_session(store, session.id, photo).team is None
    assert scan_for_session(store, session.id, photo, "team-1").team == "team-1"
    with pytest.raises(PaperScanError) as refused:
        scan_for_session(store, session.id, photo, "team-7")
    assert refused.value.key == "paper.unknown_team"
