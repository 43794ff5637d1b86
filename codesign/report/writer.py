"""What every section of the report writes with: the analysis, the language, the PDF, the progress.

A :class:`ReportWriter` holds one report being written. The sections
(:mod:`codesign.report.sections`, :mod:`codesign.report.findings`) take it and add their pages;
it translates, formats numbers and names in the report's language, counts the maps drawn for
the progress bar, and places a map with a column of tables beside it.
"""

from __future__ import annotations

from collections.abc import Callable

from codesign.analysis.compare import category_label
from codesign.analysis.session import SessionAnalysis, owner_name
from codesign.i18n import translate
from codesign.render.text import format_area
from codesign.report.norms import failure_map_count
from codesign.report.pdf import ReportPdf

__all__ = ["MAX_LISTED", "ProgressCallback", "ReportWriter"]

#: ``progress(fraction 0..1, message)``: how far the report is, in its language.
ProgressCallback = Callable[[float, str], None]
#: Renders a map at a size (width, height in mm) as PNG bytes.
MapRenderer = Callable[[tuple[float, float]], bytes]
#: Places and amenity clusters listed in the PDF at most (the exports hold them all).
MAX_LISTED = 20


class ReportWriter:
    """One report being written: the analysis, its language and paper, the PDF, the progress.

    Parameters
    ----------
    analysis : SessionAnalysis
        What the report shows.
    lang : str
        ``ru``, ``kk`` or ``en``.
    paper : str
        ``a4`` or ``a3``.
    progress : ProgressCallback or None
        Told how far the report is.
    """

    def __init__(self, analysis: SessionAnalysis, lang: str, paper: str, progress: ProgressCallback | None) -> None:
        self.a = analysis
        self.lang = lang
        self.paper = paper
        self.progress = progress
        session = analysis.session
        self.running = f"{session.title} · {analysis.site.name(lang)}"
        self.pdf = ReportPdf(paper, lang, self.running, analysis.illustrative)
        self.pdf.doc.set_title(f"{translate('report.document_title', lang)}: {session.title}")
        self.maps_total = self._count_maps()
        self.maps_done = 0

    # ------------------------------------------------------------------ words and numbers
    def t(self, key: str, **params: object) -> str:
        """A message in the report's language.

        Parameters
        ----------
        key : str
            The message key.
        **params : object
            Its placeholders' values.

        Returns
        -------
        str
            The message.
        """
        return translate(key, self.lang, **params)

    def area(self, value: float) -> str:
        """An area in whole m² (:func:`codesign.render.text.format_area`).

        Parameters
        ----------
        value : float
            The area, m².

        Returns
        -------
        str
            The number, without the unit.
        """
        return format_area(value, self.lang)

    def name(self, owner: str) -> str:
        """A team's name, or the plan's or the vision's.

        Parameters
        ----------
        owner : str
            A team id, ``plan`` or ``vision``.

        Returns
        -------
        str
            The name.
        """
        return owner_name(self.a.session, owner, self.lang)

    def label(self, cid: str) -> str:
        """A category's label (or *unassigned*).

        Parameters
        ----------
        cid : str
            The category id.

        Returns
        -------
        str
            The label.
        """
        return category_label(cid, self.lang)

    # ------------------------------------------------------------------ progress
    def _count_maps(self) -> int:
        a = self.a
        count = 1 + len(a.teams) + (a.plan is not None) + (a.vision is not None)  # overview + concepts
        if a.plan is not None:
            count += len(a.comparisons) + bool(a.asks) + bool(a.agreements)  # overlays, places
        count += failure_map_count(a)  # design norms (codesign/report/norms.py)
        return count + 1  # consensus

    def step(self, message: str) -> None:
        """Tell the progress callback how far the maps are, with a message.

        Parameters
        ----------
        message : str
            What is being done, in the report's language.
        """
        if self.progress is not None:
            self.progress(min(0.97, 0.1 + 0.85 * self.maps_done / max(1, self.maps_total)), message)

    def tell(self, share: float, message: str) -> None:
        """Tell the progress callback a share directly (the start and the end).

        Parameters
        ----------
        share : float
            How far, 0..1.
        message : str
            What is being done.
        """
        if self.progress is not None:
            self.progress(share, message)

    def map_image(self, render: MapRenderer, size: tuple[float, float]) -> bytes:
        """Draw one map, counted for the progress bar.

        Parameters
        ----------
        render : MapRenderer
            Draws the map at a size.
        size : tuple of float
            Width and height, mm.

        Returns
        -------
        bytes
            The PNG.
        """
        self.maps_done += 1
        self.step(self.t("report.progress.map", index=self.maps_done, total=self.maps_total))
        return render(size)

    # ------------------------------------------------------------------ layout
    def map_with_side(self, render: MapRenderer, side: Callable[[float, float], None], *, share: float = 0.6) -> None:
        """A map on the left (``share`` of the width) and ``side(x, width)`` in the column on its right.

        Starts a new page when less than 95 mm are left on this one; the cursor ends under
        the taller of the two.

        Parameters
        ----------
        render : MapRenderer
            Draws the map at a size.
        side : Callable
            Writes the column: ``side(left edge, width)`` in mm.
        share : float
            The map's share of the page's width.
        """
        pdf, doc = self.pdf, self.pdf.doc
        top = doc.y
        available = pdf.bottom - top
        if available < 95:
            pdf.page()
            top = doc.y
            available = pdf.bottom - top
        width = pdf.epw * share
        height = min(available, width * 0.9)
        png = self.map_image(render, (width, height))
        pdf.image(png, doc.l_margin, top, width, height)
        gap = 6
        side_x = doc.l_margin + width + gap
        doc.set_xy(side_x, top)
        start_page = doc.page
        side(side_x, pdf.epw - width - gap)
        if doc.page == start_page:
            doc.set_y(max(doc.y, top + height + 4))
        doc.set_x(doc.l_margin)
