r"""The joint vision's provenance in the DXF: extended data on each entity and a layer of labels.

Every entity drawn for a feature of the joint vision carries XDATA of the application
``TUGANQALA`` (AutoCAD: ``LIST`` or ``XDLIST`` shows it), one ``key=value`` string each:
``feature``, ``category``, ``origin`` (consensus, room), ``edited`` (yes, no), ``teams`` (ids),
``support`` (k/N), ``votes``, ``ground_votes``, ``plan_same_use`` (yes, no, none) and ``plan_use``.
The same in words, in the report's language, is an MTEXT label on the layer
``VISION__PROVENANCE`` at each feature (turn the layer off to hide them), in the text style
``TUGANQALA`` (Arial, which has the Cyrillic and Kazakh letters).

>>> print(mtext_safe("50% {Орлы}"))
50%%% \{Орлы\}
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import shapely
from shapely.geometry.base import BaseGeometry

from codesign.analysis.compare import category_label
from codesign.domain.concept import ConceptFeature
from codesign.domain.provenance import Provenance
from codesign.render.provenance_text import provenance_lines

if TYPE_CHECKING:
    from ezdxf.document import Drawing
    from ezdxf.layouts import Modelspace

__all__ = ["APPID", "PROVENANCE_LAYER", "TEXT_STYLE", "mtext_safe", "provenance_xdata", "tag_vision_feature"]

#: The registered application name of the extended data.
APPID = "TUGANQALA"
#: The layer of the provenance labels.
PROVENANCE_LAYER = "VISION__PROVENANCE"
#: The text style of the labels.
TEXT_STYLE = "TUGANQALA"
#: Label height, metres (the drawing is in metres).
LABEL_HEIGHT_M = 1.2
_MAX_XDATA_STRING = 250


def mtext_safe(text: str) -> str:
    """User text made literal for MTEXT: backslashes, braces and ``%`` escaped, line breaks as spaces.

    Parameters
    ----------
    text : str
        The text (team names come from users).

    Returns
    -------
    str
        The text MTEXT shows as it is.
    """
    text = " ".join(text.split())
    return text.replace("\\", "\\\\").replace("{", "\\{").replace("}", "\\}").replace("%", "%%%")


def provenance_xdata(feature: ConceptFeature) -> list[tuple[int, str]]:
    """The extended data of a feature of the joint vision (group code 1000 strings, ``key=value``).

    Parameters
    ----------
    feature : ConceptFeature
        The feature.

    Returns
    -------
    list of (int, str)
        Tags for ``set_xdata``; only the feature and its category without provenance.
    """
    p: Provenance | None = feature.provenance
    values: dict[str, Any] = {"feature": feature.id, "category": feature.category}
    if p is not None:
        values |= {
            "origin": p.origin,
            "edited": "yes" if p.edited else "no",
            "teams": ",".join(p.teams),
            "support": f"{p.support}/{p.voices}",
            "votes": p.votes,
            "ground_votes": p.ground_votes,
            "plan_same_use": "none" if p.plan_same_use is None else "yes" if p.plan_same_use else "no",
            "plan_use": p.plan_use,
        }
    return [(1000, f"{key}={value}"[:_MAX_XDATA_STRING]) for key, value in values.items()]


def _anchor(metric: BaseGeometry) -> tuple[float, float]:
    """Where a feature's label goes: inside a zone, on a path, beside an amenity."""
    if metric.geom_type == "Point":
        x, y = shapely.get_coordinates(metric)[0]
        return float(x) + 1.5, float(y) + 1.5
    if metric.area > 0:
        point = shapely.point_on_surface(metric)
    else:
        point = shapely.line_interpolate_point(metric, 0.5, normalized=True)  # type: ignore[call-overload]
    x, y = shapely.get_coordinates(point)[0]
    return float(x), float(y)


def _prepare(doc: Drawing) -> None:
    """The application id, the label layer (grey) and the text style, made once."""
    if APPID not in doc.appids:
        doc.appids.add(APPID)
    if PROVENANCE_LAYER not in doc.layers:
        doc.layers.add(PROVENANCE_LAYER, color=8)
    if TEXT_STYLE not in doc.styles:
        doc.styles.add(TEXT_STYLE, font="arial.ttf")


def tag_vision_feature(
    doc: Drawing,
    modelspace: Modelspace,
    entities: Iterable[Any],
    feature: ConceptFeature,
    metric: BaseGeometry,
    team_names: Mapping[str, str],
    lang: str,
) -> None:
    """Put a vision feature's provenance on its entities (XDATA) and beside it (a label).

    Parameters
    ----------
    doc : Drawing
        The DXF document.
    modelspace : Modelspace
        Its modelspace.
    entities : Iterable
        The entities drawn for the feature.
    feature : ConceptFeature
        The feature of the joint vision.
    metric : BaseGeometry
        The feature in metres (where the label goes).
    team_names : Mapping of str to str
        Team id -> name.
    lang : str
        The labels' language.
    """
    _prepare(doc)
    tags = provenance_xdata(feature)
    for entity in entities:
        entity.set_xdata(APPID, tags)
    title = f"{feature.id} · {category_label(feature.category, lang)}"
    lines = [title, *provenance_lines(feature.provenance, team_names, lang)]
    text = "\\P".join(mtext_safe(line) for line in lines)
    label = modelspace.add_mtext(
        text, dxfattribs={"layer": PROVENANCE_LAYER, "char_height": LABEL_HEIGHT_M, "style": TEXT_STYLE}
    )
    label.set_location(_anchor(metric))
    label.set_xdata(APPID, tags)
