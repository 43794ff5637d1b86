"""How the command line prints: numbers, category labels, padded tables and JSON.

>>> print_table(["category", "m²"], [["Lawn [lawn]", "1,200"], ["Bench [bench]", "3"]])
  category          m²
  Lawn [lawn]    1,200
  Bench [bench]      3
>>> print_table(["type", "team-1"], [], empty="none in either")
  none in either
>>> num(1234.5, "en", 1), percent(0.25, "ru")
('1,234.5', '25,0 %')
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from codesign.analysis.compare import category_label
from codesign.i18n import format_number
from codesign.render.text import format_percent

__all__ = ["label", "num", "percent", "print_json", "print_table"]


#: The one number format (:mod:`codesign.render.text`), under the names the CLI's tables use.
num = format_number
percent = format_percent


def label(category_id: str, lang: str) -> str:
    """A category's name followed by its id: ``Lawn [lawn]``.

    Parameters
    ----------
    category_id
        The category's id.
    lang
        ``ru``, ``kk`` or ``en``.

    Returns
    -------
    str
        The label as the tables show it.
    """
    return f"{category_label(category_id, lang)} [{category_id}]"


def print_table(header: Sequence[str], rows: Sequence[Sequence[str]], align: str = "", *, empty: str = "none") -> None:
    """Print columns padded to their widest cell, each line indented by two spaces.

    Parameters
    ----------
    header
        The column titles.
    rows
        The cells, one sequence per row, as many as the header.
    align
        ``l`` or ``r`` per column; by default the first column left, the others right.
    empty
        What is printed instead of the table when there are no rows.
    """
    if not rows:
        print(f"  {empty}")
        return
    widths = [max(len(cell) for cell in column) for column in zip(header, *rows, strict=True)]
    align = align or "l" + "r" * (len(header) - 1)
    for row in (header, *rows):
        cells = [c.ljust(w) if a == "l" else c.rjust(w) for c, w, a in zip(row, widths, align, strict=True)]
        print(("  " + "  ".join(cells)).rstrip())


def print_json(data: Mapping[str, object]) -> None:
    """Print JSON as the documented formats show it: indented by two, non-ASCII kept.

    Parameters
    ----------
    data
        The JSON object.
    """
    print(json.dumps(data, ensure_ascii=False, indent=2))
