"""The report's PDF document: fpdf2 with the report's fonts, page furniture and layout helpers.

Pages are landscape A4 or A3 (:data:`PAPER_SIZES_MM`), text in DejaVu Sans (embedded, so
Cyrillic and the Kazakh letters print everywhere), every string set as plain text: neither
markdown nor HTML is interpreted, and ``{nb}`` in a name stays as typed. Every page but the
first carries a running title (and a notice when the data is illustrative); every page its
number.

>>> pdf = ReportPdf("a4", "kk", "Форум · Аксу", illustrative=False)
>>> pdf.page()
>>> pdf.heading("Қорытынды")
>>> pdf.output().startswith(b"%PDF")
True
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from codesign.i18n import translate
from codesign.render.glyphs import printable
from codesign.render.styles import FONT_BOLD, FONT_REGULAR

__all__ = ["MARGIN_MM", "PAPER_SIZES_MM", "ReportPdf"]

#: Landscape page sizes (width, height) in mm.
PAPER_SIZES_MM = {"a4": (297.0, 210.0), "a3": (420.0, 297.0)}
#: The page margin on every side, mm.
MARGIN_MM = 12.0
#: Table headings shrink to this (points) before columns are widened for them, and to
#: :data:`MIN_HEADING_PT` only if widening cannot help: their words must fit their column whole.
SMALL_HEADING_PT = 6.5
MIN_HEADING_PT = 5.5
#: A table cell's left and right padding, mm.
_CELL_PADDING_MM = 1.0


class ReportPdf:
    """fpdf2 with the report's fonts, page furniture and a few layout helpers.

    Text flows from the cursor (``doc.x``, ``doc.y``); helpers that take ``width`` write in a
    column of that width starting at the cursor (0: to the right margin) and leave the cursor
    under what they wrote, in the same column.

    Parameters
    ----------
    paper : str
        ``a4`` or ``a3`` (landscape).
    lang : str
        The document's language (page numbers, the illustrative notice).
    running_title : str
        The line at the top of every page but the first.
    illustrative : bool
        Mark every page but the first as showing invented data.
    """

    def __init__(self, paper: str, lang: str, running_title: str, illustrative: bool) -> None:
        from fpdf import FPDF

        lang_code = lang
        running = running_title
        marker = translate("report.illustrative_title", lang) if illustrative else ""
        missing = translate("report.missing_glyph", lang)

        class _Document(FPDF):
            def normalize_text(self, text: str) -> str:
                # every string printed or measured: what DejaVu cannot draw becomes a visible placeholder
                return super().normalize_text(printable(text, missing))

            def header(self) -> None:
                if self.page_no() == 1:
                    return
                # a table may have moved the left margin to its column: use the page's own
                width = self.w - 2 * MARGIN_MM
                self.set_font("DejaVu", "", 7.5)
                self.set_text_color(110, 110, 110)
                self.set_xy(MARGIN_MM, 5)
                self.cell(width * 0.7, 4, running[:150], new_x="RIGHT", new_y="TOP")
                self.set_text_color(180, 80, 0)
                self.cell(width * 0.3, 4, marker, align="R")
                self.set_text_color(0, 0, 0)
                self.set_xy(self.l_margin, self.t_margin)

            def footer(self) -> None:
                self.set_xy(MARGIN_MM, self.h - 9)
                self.set_font("DejaVu", "", 7.5)
                self.set_text_color(110, 110, 110)
                page = translate("report.page", lang_code, page=self.page_no())
                self.cell(self.w - 2 * MARGIN_MM, 4, page, align="R")
                self.set_text_color(0, 0, 0)

        width, height = PAPER_SIZES_MM[paper]
        self.doc = _Document(orientation="L", unit="mm", format=(height, width))
        self.doc.alias_nb_pages(None)  # type: ignore[arg-type]  # None: "{nb}" in a team name stays text
        self.doc.set_margins(MARGIN_MM, MARGIN_MM, MARGIN_MM)
        self.doc.set_auto_page_break(True, margin=MARGIN_MM)
        self.doc.add_font("DejaVu", "", str(FONT_REGULAR))
        self.doc.add_font("DejaVu", "B", str(FONT_BOLD))
        self.doc.set_font("DejaVu", "", 9)
        self.doc.set_lang(lang)
        self.doc.set_creator("Tugan Qala Co-design")
        self.width, self.height = width, height
        self.lang = lang
        self.line = 4.4  # body line height, mm

    # ------------------------------------------------------------------ text
    @property
    def epw(self) -> float:
        """The page's width inside the margins, mm.

        Returns
        -------
        float
            The effective page width.
        """
        return float(self.doc.epw)

    @property
    def bottom(self) -> float:
        """Where the text area ends, mm from the top.

        Returns
        -------
        float
            The bottom margin's position.
        """
        return self.height - MARGIN_MM

    def page(self) -> None:
        """Start a new page (the cursor at the top left margin)."""
        self.doc.add_page()

    def gap(self, height: float, x: float | None = None) -> None:
        """Move down ``height`` mm, keeping the column (``ln`` would return to the margin).

        Parameters
        ----------
        height : float
            How far, mm.
        x : float or None
            The column's left edge (None: where the cursor is).
        """
        self.doc.set_xy(self.doc.x if x is None else x, self.doc.y + height)

    def heading(self, text: str, size: float = 15) -> None:
        """A page's bold heading.

        Parameters
        ----------
        text : str
            The heading (plain text).
        size : float
            Font size, points.
        """
        x = self.doc.x
        self.doc.set_font("DejaVu", "B", size)
        self.doc.multi_cell(0, size * 0.5, text, new_x="LEFT", new_y="NEXT", align="L")
        self.gap(1.5, x)
        self.doc.set_font("DejaVu", "", 9)

    def subheading(self, text: str, width: float = 0, keep: float = 25) -> None:
        """A bold line; in the full-width flow it starts a new page unless ``keep`` mm follow it.

        Parameters
        ----------
        text : str
            The line (plain text).
        width : float
            The column's width, mm (0: to the right margin).
        keep : float
            Room (mm) needed under it on the same page.
        """
        x = self.doc.x
        if x <= self.doc.l_margin + 0.01 and self.doc.y + keep > self.bottom:
            self.page()
            x = self.doc.x
        self.doc.set_font("DejaVu", "B", 10.5)
        self.doc.multi_cell(width, 5.2, text, new_x="LEFT", new_y="NEXT", align="L")
        self.gap(0.8, x)
        self.doc.set_font("DejaVu", "", 9)

    def paragraph(self, text: str, width: float = 0, size: float = 9, colour: tuple[int, int, int] = (0, 0, 0)) -> None:
        """Wrapped plain text.

        Parameters
        ----------
        text : str
            The text (line breaks kept).
        width : float
            The column's width, mm (0: to the right margin).
        size : float
            Font size, points.
        colour : tuple of int
            Text colour, RGB 0..255.
        """
        x = self.doc.x
        self.doc.set_font("DejaVu", "", size)
        self.doc.set_text_color(*colour)
        self.doc.multi_cell(width, size * 0.49, text, new_x="LEFT", new_y="NEXT", align="L")
        self.doc.set_text_color(0, 0, 0)
        self.doc.set_font("DejaVu", "", 9)
        self.gap(1.2, x)

    def bullets(self, lines: Iterable[str], width: float = 0) -> None:
        """A bulleted list.

        Parameters
        ----------
        lines : Iterable of str
            One item each (wrapped).
        width : float
            The column's width, mm (0: to the right margin).
        """
        x = self.doc.x
        width = width or (self.doc.w - self.doc.r_margin - x)
        for line in lines:
            self.doc.set_x(x)
            self.doc.cell(4, self.line, "•")
            self.doc.multi_cell(width - 4, self.line, line, new_x="LEFT", new_y="NEXT", align="L")
            self.gap(0.6, x)
        self.gap(0.8, x)

    def table(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        widths: Sequence[float],
        *,
        align: str = "",
        x: float | None = None,
        width: float | None = None,
        size: float = 8,
    ) -> None:
        """A table with wrapped cells, a shaded header row and banded rows.

        Parameters
        ----------
        header : Sequence of str
            The column headings.
        rows : Sequence of Sequence of str
            The cells (plain text).
        widths : Sequence of float
            Relative column widths.
        align : str
            ``L``, ``R`` or ``C`` per column (default: the first L, the rest R).
        x : float or None
            The table's left edge, mm (None: the left margin).
        width : float or None
            Its width, mm (None: to the right margin).
        size : float
            Font size, points.
        """
        from fpdf.fonts import FontFace

        doc = self.doc
        x = doc.l_margin if x is None else x
        width = width or (doc.w - doc.r_margin - x)
        align = align or "L" + "R" * (len(header) - 1)
        heading_size, widths = self._fit_headings(header, widths, width, size)
        doc.set_font("DejaVu", "", size)
        doc.set_fill_color(255, 255, 255)
        doc.set_x(x)
        with doc.table(
            col_widths=tuple(widths),
            width=width,
            align="LEFT",
            text_align=tuple({"L": "LEFT", "R": "RIGHT", "C": "CENTER"}[a] for a in align),
            line_height=size * 0.5,
            padding=(0.6, _CELL_PADDING_MM),
            borders_layout="HORIZONTAL_LINES",
            headings_style=FontFace(emphasis="BOLD", size_pt=heading_size, fill_color=(232, 236, 228)),
            cell_fill_color=(247, 247, 244),
            cell_fill_mode="ROWS",
            markdown=False,
            first_row_as_headings=True,
        ) as table:
            for row in (header, *rows):
                cells = table.row()
                for cell in row:
                    cells.cell(str(cell))
        doc.set_font("DejaVu", "", 9)
        self.gap(2.5, x)

    def _fit_headings(
        self, header: Sequence[str], widths: Sequence[float], width: float, size: float
    ) -> tuple[float, tuple[float, ...]]:
        """A heading size and column widths (mm) at which every heading's words fit their column whole.

        The headings shrink from ``size`` down to :data:`SMALL_HEADING_PT`; if a word is still too
        wide, columns that need room take it from the others; only if that cannot help either do
        they shrink further (to :data:`MIN_HEADING_PT`), where a word too long for the page breaks.
        """
        doc = self.doc
        columns = tuple(width * w / sum(widths) for w in widths)
        heading = size
        while True:
            doc.set_font("DejaVu", "B", heading)
            need = [
                max((doc.get_string_width(w) for w in text.split()), default=0) + 2 * _CELL_PADDING_MM + 0.3
                for text in header
            ]
            if all(n <= c for n, c in zip(need, columns, strict=True)):
                break
            if heading <= SMALL_HEADING_PT and sum(need) <= width:
                columns = _widen(columns, need)
                break
            if heading <= MIN_HEADING_PT:
                break
            heading = max(MIN_HEADING_PT, heading - 0.25)
        doc.set_font("DejaVu", "", size)
        return heading, columns

    def image(self, png: bytes, x: float, y: float, w: float, h: float) -> None:
        """A picture in a thin grey frame.

        Parameters
        ----------
        png : bytes
            The picture.
        x : float
            Left edge, mm.
        y : float
            Top edge, mm.
        w : float
            Width, mm.
        h : float
            Height, mm.
        """
        self.doc.image(io.BytesIO(png), x=x, y=y, w=w, h=h)
        self.doc.set_draw_color(170, 170, 170)
        self.doc.rect(x, y, w, h)
        self.doc.set_draw_color(0, 0, 0)

    def swatch(self, colour: str, size: float = 3.2) -> None:
        """A filled square at the cursor, the cursor moved past it.

        Parameters
        ----------
        colour : str
            ``#RRGGBB``.
        size : float
            Its side, mm.
        """
        r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
        x, y = self.doc.x, self.doc.y
        self.doc.set_fill_color(r, g, b)
        self.doc.rect(x, y + 0.6, size, size, style="F")
        self.doc.set_fill_color(255, 255, 255)
        self.doc.set_x(x + size + 1.5)

    def notice_box(self, title: str, lines: Sequence[str], width: float) -> None:
        """A framed notice (orange): a bold title and its lines.

        Parameters
        ----------
        title : str
            The title.
        lines : Sequence of str
            The lines under it.
        width : float
            The box's width, mm.
        """
        doc = self.doc
        x, y = doc.x, doc.y
        doc.set_draw_color(213, 94, 0)
        doc.set_line_width(0.5)
        doc.set_xy(x + 3, y + 2.5)
        doc.set_font("DejaVu", "B", 9.5)
        doc.set_text_color(170, 60, 0)
        doc.multi_cell(width - 6, 4.8, title, new_x="LEFT", new_y="NEXT", align="L")
        doc.set_text_color(0, 0, 0)
        doc.set_font("DejaVu", "", 8.5)
        for line in lines:
            doc.multi_cell(width - 6, 4.1, line, new_x="LEFT", new_y="NEXT", align="L")
            self.gap(0.6, x + 3)
        bottom = doc.y + 1.5
        doc.rect(x, y, width, bottom - y)
        doc.set_line_width(0.2)
        doc.set_draw_color(0, 0, 0)
        doc.set_xy(x, bottom + 3)
        doc.set_font("DejaVu", "", 9)

    def output(self) -> bytes:
        """The finished document.

        Returns
        -------
        bytes
            The PDF.
        """
        return bytes(self.doc.output())


def _widen(columns: Sequence[float], need: Sequence[float]) -> tuple[float, ...]:
    """``columns`` (mm) with each at least its ``need``, the room taken from the others in proportion.

    >>> _widen((60, 10, 10), (20, 15, 12))
    (53.0, 15.0, 12.0)
    """
    fixed = [False] * len(columns)
    out = list(columns)
    total = sum(columns)
    while True:
        for i, (width, wanted) in enumerate(zip(out, need, strict=True)):
            if width < wanted:
                out[i], fixed[i] = wanted, True
        free = [i for i in range(len(out)) if not fixed[i]]
        room = total - sum(out[i] for i in range(len(out)) if fixed[i])
        share = sum(columns[i] for i in free)
        if not free or share <= 0:
            return tuple(float(w) for w in out)
        out = [out[i] if fixed[i] else columns[i] * room / share for i in range(len(out))]
        if all(out[i] >= need[i] - 1e-9 for i in free):
            return tuple(round(float(w), 6) for w in out)
