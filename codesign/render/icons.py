"""The categories' icons: vendored Material Symbols SVGs, never an emoji (which needs a device font).

Each category's ``icon`` (``codesign/data/taxonomy.toml``) names a file in
``codesign/data/icons/`` (Material Symbols Rounded, filled, Apache-2.0; see the README there).
The same name is a Streamlit icon (``:material/<name>:``), so the palette, the menu, the map's
markers, the projector's gallery and the report show one icon per category. Every icon is one
path in a 960 x 960 box (``viewBox="0 -960 960 960"``), written with M, L, H, V, Q, T and Z only.

>>> icon_path_data("park")[:12]
'M423-229H177'
>>> path = icon_mpl_path("park")
>>> round(float(path.vertices[:, 0].min()), 2) >= -0.5, round(float(path.vertices[:, 1].max()), 2) <= 0.5
(True, True)
>>> streamlit_icon("park")
':material/park:'
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from codesign.errors import ConfigurationError

if TYPE_CHECKING:
    from matplotlib.path import Path as MplPath

__all__ = ["ICON_DIR", "icon_mpl_path", "icon_path_data", "icon_svg", "streamlit_icon"]

#: Where the vendored SVG files are.
ICON_DIR = Path(__file__).resolve().parents[1] / "data" / "icons"
#: The icons' box: x 0..960, y -960..0 (SVG's y grows downwards).
_BOX = 960.0
_NAME = re.compile(r"[a-z0-9_]{1,60}")
_PATH_D = re.compile(r'<path d="([MLHVQTZmlhvqtz0-9.\-\s,]+)"\s*/>')
_TOKEN = re.compile(r"[MLHVQTZmlhvqtz]|-?(?:\d+\.?\d*|\.\d+)")


@functools.cache
def icon_path_data(name: str) -> str:
    """The SVG path data (``d``) of the icon ``name``.

    Parameters
    ----------
    name : str
        A Material Symbols name with a vendored file.

    Returns
    -------
    str
        The path data, in the 960-unit box.

    Raises
    ------
    ConfigurationError
        When there is no such icon (the taxonomy names one that was not vendored).
    """
    path = ICON_DIR / f"{name}.svg"
    if not _NAME.fullmatch(name) or not path.is_file():
        raise ConfigurationError(f"no icon {name!r} in {ICON_DIR}")
    found = _PATH_D.search(path.read_text(encoding="utf-8"))
    if found is None:
        raise ConfigurationError(f"{path} is not one Material Symbols path")
    return found.group(1)


def streamlit_icon(name: str) -> str:
    """The icon as Streamlit writes it in labels and markdown (its bundled Material Symbols font).

    Parameters
    ----------
    name : str
        A Material Symbols name.

    Returns
    -------
    str
        ``:material/<name>:``.
    """
    return f":material/{name}:"


def icon_svg(name: str, colour: str = "#ffffff", size: int = 20) -> str:
    """The icon as an inline SVG element (trusted markup: the vendored path, a checked colour).

    Parameters
    ----------
    name : str
        A Material Symbols name.
    colour : str
        Fill, ``#RRGGBB``.
    size : int
        Width and height, px.

    Returns
    -------
    str
        ``<svg ...><path .../></svg>``.
    """
    if not re.fullmatch(r"#[0-9A-Fa-f]{6}", colour):
        raise ValueError(f"not a colour: {colour!r}")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{int(size)}" height="{int(size)}" '
        f'viewBox="0 -960 960 960" aria-hidden="true"><path fill="{colour}" d="{icon_path_data(name)}"/></svg>'
    )


@functools.cache
def icon_mpl_path(name: str) -> MplPath:
    """The icon as a matplotlib path centred on (0, 0), 1 unit wide, y up: a marker.

    Parameters
    ----------
    name : str
        A Material Symbols name.

    Returns
    -------
    matplotlib.path.Path
        Usable as ``marker=`` in ``scatter`` and ``Line2D`` (legends too).
    """
    from matplotlib.path import Path as MplPath

    vertices, codes = _parse(icon_path_data(name))
    xy = np.asarray(vertices, dtype=float)
    xy[:, 0] = xy[:, 0] / _BOX - 0.5
    xy[:, 1] = -(xy[:, 1] + _BOX / 2) / _BOX  # SVG y down -> up, centred
    return MplPath(xy, codes)


def _parse(data: str) -> tuple[list[tuple[float, float]], list[int]]:
    """Path data with M, L, H, V, Q, T, Z (absolute or relative) as vertices and matplotlib codes."""
    from matplotlib.path import Path as MplPath

    move, line, curve, close = (int(c) for c in (MplPath.MOVETO, MplPath.LINETO, MplPath.CURVE3, MplPath.CLOSEPOLY))
    tokens = _TOKEN.findall(data)
    vertices: list[tuple[float, float]] = []
    codes: list[int] = []
    x = y = start_x = start_y = 0.0
    control: tuple[float, float] | None = None  # the last quadratic control point, for T
    i, command = 0, ""

    def number() -> float:
        nonlocal i
        value = float(tokens[i])
        i += 1
        return value

    while i < len(tokens):
        if tokens[i].isalpha():
            command = tokens[i]
            i += 1
        relative, op = command.islower(), command.upper()
        dx, dy = (x, y) if relative else (0.0, 0.0)
        if op == "Z":
            vertices.append((start_x, start_y))
            codes.append(close)
            x, y, control = start_x, start_y, None
            continue
        if op == "M":
            x, y = number() + dx, number() + dy
            start_x, start_y, control = x, y, None
            vertices.append((x, y))
            codes.append(move)
            command = "l" if relative else "L"  # more pairs after M are lines
        elif op in "LHV":
            x = number() + dx if op in "LH" else x
            y = number() + dy if op in "LV" else y
            vertices.append((x, y))
            codes.append(line)
            control = None
        elif op == "Q":
            cx, cy = number() + dx, number() + dy
            x, y = number() + dx, number() + dy
            vertices += [(cx, cy), (x, y)]
            codes += [curve, curve]
            control = (cx, cy)
        elif op == "T":
            cx, cy = (2 * x - control[0], 2 * y - control[1]) if control else (x, y)
            x, y = number() + dx, number() + dy
            vertices += [(cx, cy), (x, y)]
            codes += [curve, curve]
            control = (cx, cy)
        else:
            raise ConfigurationError(f"icon path command {command!r} is not supported")
    return vertices, codes
