"""The comparison report (PDF) for the architecture department.

:func:`build_report` lays a session's analysis (:class:`codesign.analysis.session.SessionAnalysis`,
loaded by :func:`codesign.services.analysis.load_analysis`) out as an A4 or A3 landscape PDF in
ru, kk or en with fpdf2; it never reads a store. Maps are drawn offline with matplotlib
(:mod:`codesign.render.mpl_map`, :mod:`codesign.render.analysis_maps`) from the same data as
the app, in the site's metric CRS (so the scale bar is true), with a legend and a north arrow.
The text uses DejaVu Sans, shipped in ``codesign/data/fonts`` and embedded in the PDF, so
Cyrillic and the Kazakh letters (Ә Ғ Қ Ң Ө Ұ Ү Һ І) print everywhere. Team names, titles and
descriptions are printed as plain text: neither markdown nor HTML is ever interpreted, and on
the maps neither is matplotlib's mathtext (``$x^2$`` in a team name prints as typed).

- :mod:`codesign.report.pdf`: the fpdf2 document (fonts, running title, tables, notices);
- :mod:`codesign.report.writer`: one report being written (language, progress, map placement);
- :mod:`codesign.report.sections`: the sections in order, and :func:`build_report`;
- :mod:`codesign.report.findings`: each concept against the plan, the consensus, the places.
"""

from codesign.report.pdf import PAPER_SIZES_MM
from codesign.report.sections import build_report
from codesign.report.writer import ProgressCallback

__all__ = ["PAPER_SIZES_MM", "ProgressCallback", "build_report"]
