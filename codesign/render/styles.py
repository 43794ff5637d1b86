"""One style for the three renderers: folium (the app's maps), SVG (thumbnails) and matplotlib (the report).

Categories are drawn in their taxonomy colour (:attr:`codesign.domain.taxonomy.Category.colour`)
and teams in their own (:attr:`codesign.domain.session.Team.colour`); what a drawing adds on
top of them lives here:

- the colours of the **agreement states** of two concepts (same use, only in one, different use),
  Okabe-Ito colours that colour-blind viewers tell apart;
- how a **consensus** face is drawn: in the colour of its majority's category, more opaque the
  more voices back it (:func:`agreement_opacity`, in steps of :func:`share_step`), contested
  ground hatched (:func:`is_hatched`); amenity clusters bigger with more support;
- the outlines of the places residents **ask** for and where the plan **agrees**;
- the marker shapes that tell amenities apart on paper as well as by colour;
- the colours of the site and its context layers (water, buildings, streets, paths, trees).

Fill opacities differ by medium on purpose: the live map lets the context show through a
concept, a thumbnail and the printed page want stronger fills.

>>> agreement_opacity(0.0), round(agreement_opacity(1.0), 2)
(0.2, 0.9)
>>> share_step(0.666), is_hatched("contested"), is_hatched("agreed")
(0.7, True, False)
"""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

from codesign.analysis.compare import AGREEMENT_STATES

if TYPE_CHECKING:
    from matplotlib.path import Path as MplPath

__all__ = [
    "FONT_BOLD",
    "FONT_REGULAR",
    "AGREEMENT_COLOURS",
    "AGREEMENT_OPACITY_PAPER",
    "AGREEMENT_OPACITY_SCREEN",
    "AGREE_OUTLINE",
    "BUDGET_COLOURS",
    "ASK_OUTLINE",
    "CONTEXT",
    "DISPUTE_OUTLINE",
    "agreement_opacity",
    "amenity_marker",
    "cluster_area_pt2",
    "cluster_radius_px",
    "is_hatched",
    "share_step",
]

_FONTS = Path(__file__).resolve().parents[1] / "data" / "fonts"
#: DejaVu Sans (Cyrillic and the Kazakh letters), for the report's text and maps.
FONT_REGULAR = _FONTS / "DejaVuSans.ttf"
FONT_BOLD = _FONTS / "DejaVuSans-Bold.ttf"

#: Agreement states of two concepts (:data:`codesign.analysis.compare.AGREEMENT_STATES`), Okabe-Ito colours.
AGREEMENT_COLOURS = MappingProxyType(
    dict(zip(AGREEMENT_STATES, ("#009E73", "#0072B2", "#E69F00", "#CC79A7"), strict=True))
)
#: Fill opacity of the agreement overlay on the app's map ...
AGREEMENT_OPACITY_SCREEN = 0.75
#: ... and in the printed report.
AGREEMENT_OPACITY_PAPER = 0.8

#: Outline of the places residents ask for and the plan lacks (Okabe-Ito vermilion).
ASK_OUTLINE = "#D55E00"
#: Outline of the places where the plan has the use the teams agree on.
AGREE_OUTLINE = "#004D40"
#: Outline and fill of a contested region the room votes on (dark red, as the countdown's last minute).
DISPUTE_OUTLINE = "#B00020"

#: Consensus states drawn hatched (over the majority's colour).
HATCHED_STATES = frozenset({"contested"})
#: Opacity of a consensus face nobody backs, and how much full backing adds.
_OPACITY_FLOOR, _OPACITY_RANGE = 0.2, 0.7

#: The site and its context layers: fill and edge colours shared by the three renderers.
CONTEXT = MappingProxyType(
    {
        "background": "#f2efe9",
        "site_fill": "#dcebd0",
        "site_edge": "#2d6a2d",
        "water_fill": "#aad3df",
        "water_edge": "#7fb2c9",
        "building_fill": "#d9d0c9",
        "building_edge": "#b3a89e",
        "street": "#ffffff",
        "street_casing": "#cfc6bb",
        "street_label": "#6b6259",
        "path": "#b59c74",
        "tree_fill": "#5e9e4e",
        "tree_edge": "#2f6b2f",
    }
)


def share_step(share: float) -> float:
    """The step a consensus face's share is drawn at (tenths), so faces of one look merge.

    Parameters
    ----------
    share : float
        The share of voices behind the face's majority, 0..1.

    Returns
    -------
    float
        ``share`` rounded to a tenth.
    """
    return round(float(share), 1)


def agreement_opacity(share: float) -> float:
    """Fill opacity of consensus ground by how many voices back it: 0.2 (none) to 0.9 (all).

    Parameters
    ----------
    share : float
        The share of voices behind the majority, 0..1.

    Returns
    -------
    float
        The fill opacity, 0..1.
    """
    return _OPACITY_FLOOR + _OPACITY_RANGE * share


def is_hatched(state: str) -> bool:
    """Whether consensus ground in this state is drawn hatched (contested ground is).

    Parameters
    ----------
    state : str
        ``agreed``, ``contested`` or ``single``.

    Returns
    -------
    bool
        True for the hatched states.
    """
    return state in HATCHED_STATES


def cluster_radius_px(support: float) -> float:
    """Radius (screen pixels) of an amenity cluster's circle on the app's map.

    Parameters
    ----------
    support : float
        The share of voices with a point in the cluster, 0..1.

    Returns
    -------
    float
        5 px for no support, 17 px for all voices.
    """
    return 5 + 12 * support


def cluster_area_pt2(support: float) -> float:
    """Marker area (points², as matplotlib's ``scatter`` takes it) of an amenity cluster in the report.

    Parameters
    ----------
    support : float
        The share of voices with a point in the cluster, 0..1.

    Returns
    -------
    float
        14 pt² for no support, 64 pt² for all voices.
    """
    return 14 + 50 * support


def amenity_marker(category_id: str) -> MplPath:
    """The matplotlib marker of an amenity category: its icon (:mod:`codesign.render.icons`).

    Parameters
    ----------
    category_id : str
        The amenity's category.

    Returns
    -------
    matplotlib.path.Path
        The category's icon as a marker path, so the report shows the icon the tablet shows.
    """
    from codesign.domain.taxonomy import category
    from codesign.render.icons import icon_mpl_path

    return icon_mpl_path(category(category_id).icon)


#: The budget bar (tablet, projector): within the budget, near it (from 90 %), over it. Okabe-Ito.
BUDGET_COLOURS = MappingProxyType({"under": "#009E73", "near": "#E69F00", "over": "#D55E00"})
