"""Read a photo of a sheet: whose sheet it is, and every mark of every pen colour on its map.

:func:`scan_photo` decodes and checks the photo, finds the markers and rectifies the sheet
(:mod:`codesign.paper.photo`), separates the pen colours on the map (:mod:`codesign.paper.inks`)
and turns them into marks (:mod:`codesign.paper.marks`). It refuses, in this order: a file that
is not a photo; a photo too small; no markers; a sheet too small in the photo; a blurred photo;
a sheet of another session (when the session is given); a sheet with nothing drawn on it.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from codesign.domain.geometry import MetricFrame
from codesign.domain.paper import PEN_COLOURS, SheetCode
from codesign.errors import PaperScanError
from codesign.paper.inks import ink_masks
from codesign.paper.layout import MAP, Georeference, map_placement, paper_factor
from codesign.paper.marks import Mark, find_marks
from codesign.paper.photo import RESOLUTION, decode_photo, rectify

__all__ = ["SheetScan", "scan_photo"]

_WINDOW_MM = 6.0  # the paper's colour is looked for this far around each pixel
_INSET = 1.0  # units kept clear of the map's printed frame


@dataclass(frozen=True)
class SheetScan:
    """What a photo of a sheet holds.

    ``code`` is the QR code (None if unreadable: ``code_error`` says why); ``marks`` are in sheet
    units; ``inks`` the average colour (RGB) each pen colour found has on the photo; ``sheet`` the
    rectified sheet (BGR, :data:`~codesign.paper.photo.RESOLUTION` pixels per unit).
    """

    paper: str
    code: SheetCode | None
    code_error: PaperScanError | None
    marks: tuple[Mark, ...]
    inks: dict[str, tuple[int, int, int]]
    sheet: np.ndarray
    blur_mm: float
    px_per_unit: float
    markers: int
    seconds: dict[str, float] = field(default_factory=dict)

    def colours(self) -> list[str]:
        """The pen colours found, in the legend's order.

        Returns
        -------
        list of str
            Colour names.
        """
        found = {m.colour for m in self.marks}
        return [c for c in PEN_COLOURS if c in found]

    def counts(self) -> dict[str, Counter[str]]:
        """How many areas, dots and lines of each colour.

        Returns
        -------
        dict
            Colour -> Counter of mark kinds.
        """
        out: dict[str, Counter[str]] = {c: Counter() for c in self.colours()}
        for mark in self.marks:
            out[mark.colour][mark.kind] += 1
        return out

    def georeference(self, frame: MetricFrame) -> Georeference:
        """Where the sheet's map lies in the site's metres: from the QR code, or else from the site.

        Without a readable code the map is placed as the sheet printed it: by the site's bounds
        and the paper size the markers tell (:func:`codesign.paper.layout.map_placement`).

        Parameters
        ----------
        frame
            The site's metric frame.

        Returns
        -------
        Georeference
            Sheet units <-> metres.
        """
        if self.code is not None:
            if self.code.epsg != frame.crs.to_epsg():
                raise PaperScanError("paper.other_site", epsg=self.code.epsg)
            return Georeference(self.code.paper, self.code.centre, self.code.scale)
        centre, scale = map_placement(frame.boundary.bounds, self.paper)
        return Georeference(self.paper, centre, scale)


def scan_photo(data: bytes, session_id: str | None = None) -> SheetScan:
    """Scan a photo of a sheet; refuse it with the reason when it cannot be read.

    Parameters
    ----------
    data
        The photo's bytes (JPEG, PNG or WebP).
    session_id
        The session the sheet must belong to (``paper.other_session`` otherwise), or None.

    Returns
    -------
    SheetScan
        The sheet's code and marks.
    """
    seconds: dict[str, float] = {}
    started = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal started
        now = time.perf_counter()
        seconds[name] = now - started
        started = now

    image = decode_photo(data)
    lap("decode")
    rectified = rectify(image)
    del image
    lap("rectify")
    if session_id is not None and rectified.code is not None and rectified.code.session != session_id:
        raise PaperScanError("paper.other_session", session=rectified.code.session)
    k = paper_factor(rectified.paper)
    x0, y0 = round((MAP.x0 + _INSET) * RESOLUTION), round((MAP.y0 + _INSET) * RESOLUTION)
    x1, y1 = round((MAP.x1 - _INSET) * RESOLUTION), round((MAP.y1 - _INSET) * RESOLUTION)
    piece = rectified.sheet[y0:y1, x0:x1]
    masks = ink_masks(piece, round(_WINDOW_MM / k * RESOLUTION))
    lap("inks")
    marks = find_marks(masks, RESOLUTION, k, origin=(x0 / RESOLUTION, y0 / RESOLUTION))
    lap("marks")
    if not marks:
        raise PaperScanError("paper.nothing_drawn")
    inks = {}
    for colour, mask in masks.items():
        if any(m.colour == colour for m in marks):
            b, g, r = (int(v) for v in np.asarray(piece[mask > 0]).mean(axis=0))
            inks[colour] = (r, g, b)
    return SheetScan(
        paper=rectified.paper,
        code=rectified.code,
        code_error=rectified.code_error,
        marks=tuple(marks),
        inks=inks,
        sheet=rectified.sheet,
        blur_mm=rectified.blur_mm,
        px_per_unit=rectified.px_per_unit,
        markers=rectified.markers,
        seconds=seconds,
    )
