"""The printed sheet: the site map in grey, corner markers, a QR code, the pen legend, instructions.

One page per team (A4 or A3 landscape, ru, kk or en), laid out by :mod:`codesign.paper.layout`.
The map is the report's (:class:`codesign.render.mpl_map.SiteMap`: context, boundary, scale bar,
north arrow; the akimat's plan faint if asked) at a round scale, printed in light grey so that
any colour on a photographed sheet is the residents' ink. Markers and the QR code are vector
squares (sharp at any printer resolution); text is DejaVu Sans, embedded, set as plain text.

>>> from datetime import datetime
>>> from codesign.domain.session import new_session
>>> from codesign.domain.site import load_site
>>> session = new_session(site="aksu-city-square", title="Forum", teams=[("A", None)], now=datetime(2026, 12, 1))
>>> build_sheets(session, load_site("aksu-city-square"), "kk", dpi=60).startswith(b"%PDF")
True
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from codesign.domain.concept import Concept
from codesign.domain.paper import PEN_COLOURS, PEN_SWATCHES, SheetCode, new_sheet_id
from codesign.domain.session import Session, Team
from codesign.domain.site import Site
from codesign.domain.taxonomy import category
from codesign.i18n import format_number, translate
from codesign.paper.layout import (
    CORNERS,
    FOOT,
    LEGEND,
    MAP,
    MARKER_MM,
    PAGE,
    QR,
    SIDE,
    TITLE,
    Georeference,
    map_placement,
    marker_ids,
    paper_factor,
)
from codesign.render.mpl_map import SiteMap
from codesign.render.styles import FONT_BOLD, FONT_REGULAR

if TYPE_CHECKING:
    from fpdf import FPDF

__all__ = ["SHEET_DPI", "build_sheets", "marker_cells", "sheet_map_png"]

#: Resolution of the printed map (dots per inch).
SHEET_DPI = 200
#: How light the map is printed: 0 keeps it as drawn, 1 makes it white.
MAP_LIGHTNESS = 0.42
_STEPS = ("paper.sheet.step_draw", "paper.sheet.step_area", "paper.sheet.step_dot", "paper.sheet.step_write")


def marker_cells(marker_id: int) -> np.ndarray:
    """The black (True) and white cells of a 4x4 ArUco marker with its border: 6 x 6.

    >>> marker_cells(0).shape, bool(marker_cells(0)[0].all())
    ((6, 6), True)

    Parameters
    ----------
    marker_id
        The marker's id in OpenCV's 4x4 dictionary of 50.

    Returns
    -------
    numpy.ndarray
        Booleans, row by row from the top.
    """
    import cv2

    dictionary = cv2.aruco.getPredefinedDictionary(cv2.aruco.DICT_4X4_50)
    return np.asarray(cv2.aruco.generateImageMarker(dictionary, marker_id, 6, borderBits=1)) < 128


def sheet_map_png(site: Site, lang: str, paper: str, plan: Concept | None = None, dpi: int = SHEET_DPI) -> bytes:
    """The sheet's map as a light grey PNG, exactly the size of :data:`MAP` on the paper.

    Parameters
    ----------
    site
        The site.
    lang
        The language of street names' neighbours: the scale bar and the north arrow.
    paper
        ``a4`` or ``a3``.
    plan
        The akimat's plan, drawn faint with its categories' names, or None.
    dpi
        Resolution, dots per inch.

    Returns
    -------
    bytes
        A greyscale PNG.
    """
    from PIL import Image

    k = paper_factor(paper)
    centre, scale = map_placement(site.frame.boundary.bounds, paper)
    extent = Georeference(paper, centre, scale).extent
    site_map = SiteMap(site, lang, (MAP.width * k, MAP.height * k), legend_mm=0.001, dpi=dpi, extent=extent)
    if plan is not None:
        _faint_plan(site_map, plan, lang)
    grey = Image.open(io.BytesIO(site_map.png())).convert("L")
    light = grey.point(lambda v: round(255 - (255 - v) * (1 - MAP_LIGHTNESS)))
    buffer = io.BytesIO()
    light.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _faint_plan(site_map: SiteMap, plan: Concept, lang: str) -> None:
    """The plan's zones as light outlines with their category's name, its paths thin and dashed."""
    from matplotlib import patheffects

    from codesign.render.mpl_parts import font

    frame = site_map.frame
    zones = [f for f in plan.features if f.kind == "zone"]
    metric = [frame.to_metric(f.geometry) for f in zones]
    site_map.zones(metric, ["#bbbbbb"] * len(zones), alpha=0.25, edge="#555555", linewidth=0.6, zorder=2.5)
    paths = [frame.to_metric(f.geometry) for f in plan.features if f.kind == "path"]
    site_map.lines(paths, ["#777777"] * len(paths), width=0.8)
    for feature, geom in zip(zones, metric, strict=True):
        point = geom.representative_point()
        site_map.ax.text(
            point.x,
            point.y,
            category(feature.category).label(lang),
            ha="center",
            va="center",
            color="#333333",
            fontproperties=font(5),
            zorder=7,
            clip_on=True,
            path_effects=[patheffects.withStroke(linewidth=1.5, foreground="white")],
        )


def build_sheets(
    session: Session,
    site: Site,
    lang: str,
    paper: str = "a4",
    *,
    teams: Sequence[str] | None = None,
    plan: Concept | None = None,
    sheet_ids: Mapping[str, str] | None = None,
    dpi: int = SHEET_DPI,
) -> bytes:
    """The sheets of a session as one PDF: a page per team.

    Parameters
    ----------
    session
        The session.
    site
        Its site.
    lang
        ``ru``, ``kk`` or ``en``.
    paper
        ``a4`` or ``a3``.
    teams
        The team ids to print (default: every team).
    plan
        The akimat's plan, printed faint under the residents' drawing, or None.
    sheet_ids
        A sheet id per team (default: new random ids).
    dpi
        Resolution of the map.

    Returns
    -------
    bytes
        The PDF.
    """
    from fpdf import FPDF

    k = paper_factor(paper)
    doc = FPDF(orientation="L", unit="mm", format=(PAGE.height * k, PAGE.width * k))
    doc.set_auto_page_break(False)
    doc.set_margins(0, 0, 0)
    doc.add_font("DejaVu", "", str(FONT_REGULAR))
    doc.add_font("DejaVu", "B", str(FONT_BOLD))
    doc.set_lang(lang)
    doc.set_creator("Tugan Qala Co-design")
    centre, scale = map_placement(site.frame.boundary.bounds, paper)
    epsg = site.frame.crs.to_epsg() or 0
    png = sheet_map_png(site, lang, paper, plan, dpi)
    for team_id in teams if teams is not None else [t.id for t in session.teams]:
        team = session.team(team_id)
        sheet = (sheet_ids or {}).get(team.id) or new_sheet_id()
        code = SheetCode(session.id, team.id, sheet, paper, epsg, centre, scale)
        _page(_Sheet(doc, k, lang), session, site, team, code, png, with_plan=plan is not None)
    return bytes(doc.output())


class _Sheet:
    """Drawing in sheet units on one fpdf2 document.

    Parameters
    ----------
    doc
        The document.
    k
        Real millimetres per sheet unit.
    lang
        The sheet's language.
    """

    def __init__(self, doc: FPDF, k: float, lang: str) -> None:
        self.doc, self.k, self.lang = doc, k, lang

    def t(self, key: str, **params: object) -> str:
        return translate(key, self.lang, **params)

    def rect(self, x: float, y: float, w: float, h: float, style: str = "F") -> None:
        self.doc.rect(x * self.k, y * self.k, w * self.k, h * self.k, style=style)

    def cells(self, matrix: np.ndarray, x: float, y: float, cell: float) -> None:
        """Black runs of a boolean matrix, overlapping a hair so no white seam shows between them.

        Parameters
        ----------
        matrix
            Booleans (True: black), row by row from the top.
        x, y
            The top-left corner, units.
        cell
            A cell's side, units.
        """
        self.doc.set_fill_color(0, 0, 0)
        hair = 0.02 / self.k
        for row, values in enumerate(matrix):
            col = 0
            while col < len(values):
                if not values[col]:
                    col += 1
                    continue
                end = col
                while end < len(values) and values[end]:
                    end += 1
                self.rect(x + col * cell, y + row * cell, (end - col) * cell + hair, cell + hair)
                col = end

    def text(self, x: float, y: float, w: float, text: str, size: float, *, bold: bool = False, **kw: object) -> float:
        """Text wrapped in a column.

        Parameters
        ----------
        x, y
            The column's top-left corner, units.
        w
            The column's width, units.
        text
            Plain text (never markdown).
        size
            Font size in points on A4 (scaled with the paper).
        bold
            Bold type.
        **kw
            More options of fpdf2's ``multi_cell`` (``align``).

        Returns
        -------
        float
            The y (units) under the text.
        """
        self.doc.set_font("DejaVu", "B" if bold else "", size * self.k)
        self.doc.set_xy(x * self.k, y * self.k)
        line = size * 0.42 * self.k
        kw.setdefault("align", "L")
        self.doc.multi_cell(w * self.k, line, text, new_x="LEFT", new_y="NEXT", **kw)  # type: ignore[arg-type]
        return float(self.doc.get_y()) / self.k


def _page(s: _Sheet, session: Session, site: Site, team: Team, code: SheetCode, png: bytes, with_plan: bool) -> None:
    doc = s.doc
    doc.add_page()
    for corner, marker_id in marker_ids(code.paper).items():
        x, y = CORNERS[corner]
        s.cells(marker_cells(marker_id), x, y, MARKER_MM / 6)
    doc.image(io.BytesIO(png), MAP.x0 * s.k, MAP.y0 * s.k, MAP.width * s.k, MAP.height * s.k)
    doc.set_draw_color(120, 120, 120)
    doc.set_line_width(0.3)
    s.rect(MAP.x0, MAP.y0, MAP.width, MAP.height, style="D")
    _title(s, session, site, team)
    _legend(s, _instructions(s, with_plan) + 3)
    _qr(s, code)
    doc.set_text_color(90, 90, 90)
    metres = format_number(code.scale / 100, s.lang, 0 if code.scale % 100 == 0 else 1)
    s.text(
        FOOT.x0,
        FOOT.y0 + 2,
        FOOT.width,
        s.t("paper.sheet.foot", sheet=code.sheet, team=team.id, scale=code.scale, metres=metres),
        6.5,
        align="C",
    )
    doc.set_text_color(0, 0, 0)


def _title(s: _Sheet, session: Session, site: Site, team: Team) -> None:
    doc = s.doc
    r, g, b = (int(team.colour[i : i + 2], 16) for i in (1, 3, 5))
    doc.set_fill_color(r, g, b)
    s.rect(TITLE.x0, TITLE.y0 + 1.5, 4, 7)
    below = s.text(TITLE.x0 + 6, TITLE.y0 + 1, TITLE.width - 6, team.name, 14, bold=True)
    doc.set_text_color(70, 70, 70)
    subtitle = s.t("paper.sheet.subtitle", session=session.title, date=session.date, site=site.name(s.lang))
    s.text(TITLE.x0 + 6, below + 0.5, TITLE.width - 6, subtitle, 7.5)
    doc.set_text_color(0, 0, 0)


def _instructions(s: _Sheet, with_plan: bool) -> float:
    """The numbered steps at the top of the side column; returns the y (units) under them."""
    y = s.text(SIDE.x0, SIDE.y0, SIDE.width, s.t("paper.sheet.how"), 11, bold=True) + 1.5
    for number, key in enumerate(_STEPS, start=1):
        y = s.text(SIDE.x0, y, SIDE.width, f"{number}. {s.t(key)}", 9) + 1.1
    s.doc.set_text_color(150, 0, 0)
    y = s.text(SIDE.x0, y, SIDE.width, s.t("paper.sheet.step_black"), 9, bold=True) + 1.1
    s.doc.set_text_color(0, 0, 0)
    if with_plan:
        s.doc.set_text_color(90, 90, 90)
        y = s.text(SIDE.x0, y, SIDE.width, s.t("paper.sheet.plan_note"), 7.5)
        s.doc.set_text_color(0, 0, 0)
    return y


def _legend(s: _Sheet, top: float) -> None:
    """The pen colours, each with an empty box to write its meaning in, from ``top`` down to the QR code."""
    doc = s.doc
    top = max(top, LEGEND.y0 - 6)
    y0 = s.text(LEGEND.x0, top, LEGEND.width, s.t("paper.sheet.legend"), 9, bold=True) + 0.8
    row = min(14.0, (LEGEND.y1 + 2 - y0) / len(PEN_COLOURS))
    for i, colour in enumerate(PEN_COLOURS):
        y = y0 + i * row
        swatch = PEN_SWATCHES[colour]
        doc.set_fill_color(*(int(swatch[j : j + 2], 16) for j in (1, 3, 5)))
        s.rect(LEGEND.x0, y + 1.5, 9, row - 4)
        s.text(LEGEND.x0 + 10.5, y + row / 2 - 1.8, 26, s.t(f"paper.colour.{colour}"), 8, bold=True)
        doc.set_draw_color(110, 110, 110)
        doc.set_line_width(0.25)
        s.rect(LEGEND.x0 + 36, y + 0.8, LEGEND.width - 36, row - 2, style="D")


def _qr(s: _Sheet, code: SheetCode) -> None:
    import segno

    qr = segno.make(code.text(), error="m", micro=False)
    matrix = np.array([[bool(v) for v in row] for row in qr.matrix])
    s.cells(matrix, QR.x0, QR.y0, QR.width / len(matrix))
    s.doc.set_text_color(90, 90, 90)
    s.text(SIDE.x0, QR.y0 + 4, QR.x0 - SIDE.x0 - 4, s.t("paper.sheet.qr_note", sheet=code.sheet), 6.5)
    s.doc.set_text_color(0, 0, 0)
