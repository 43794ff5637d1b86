"""Live area and length while a shape is drawn on the sketch map (Leaflet.draw's tooltips).

Leaflet.draw can show a zone's area (``showArea``) and a path's length (``showLength``) in
the tooltip that follows the finger, but writes them in English units that switch to ha, km
or feet. :class:`LiveMeasures` replaces its two formatters on the map's page with ones that
always write m² and m, grouped and with the decimal sign of the team's language
(``1 234 м²`` in ru and kk, ``1,234 m²`` in en), the way the figures table writes them.
Leaflet.draw 1.0.4 measures a polygon's area only when its edges may not cross; the sketch
map lets them cross (the app repairs the shape), so the area is measured on every vertex.

>>> measure_format("ru")["area_unit"], measure_format("ru")["decimal"]
('м²', ',')
>>> measure_format("en")["group"]
','
"""

from __future__ import annotations

from typing import Any

from branca.element import MacroElement
from jinja2 import Environment

from codesign.i18n import format_number, translate
from codesign.render.folium_maps import script_json

__all__ = ["DRAW_MEASURE_OPTIONS", "LiveMeasures", "measure_format"]

#: Leaflet.draw options that turn the live measures on (merged into its draw options).
DRAW_MEASURE_OPTIONS: dict[str, dict[str, Any]] = {
    "polyline": {"showLength": True, "metric": True},
    "polygon": {"showArea": True, "showLength": False, "metric": True},
    "rectangle": {"showArea": True, "metric": True},
}

_TEMPLATES = Environment(autoescape=False)
_TEMPLATES.filters["tojson"] = script_json
_SCRIPT = _TEMPLATES.from_string(
    """
{% macro script(this, kwargs) %}
(function () {
  if (!L.GeometryUtil) { return; }
  var f = {{ this.format|tojson }};
  function number(value) {
    var whole = Math.round(value).toString();
    return whole.replace(/\\B(?=(\\d{3})+(?!\\d))/g, f.group);
  }
  // Tooltips are HTML: only digits, the separators and the units (from our translations) go in.
  L.GeometryUtil.readableArea = function (area) { return number(area) + "\\u00a0" + f.area_unit; };
  L.GeometryUtil.readableDistance = function (distance) { return number(distance) + "\\u00a0" + f.length_unit; };
  // Leaflet.draw 1.0.4 measures a polygon's area only when edges may not cross; ours may
  // (the app repairs them), so measure it on every vertex too.
  if (L.Draw && L.Draw.Polygon) {
    var vertexChanged = L.Draw.Polygon.prototype._vertexChanged;
    L.Draw.Polygon.prototype._vertexChanged = function (latlng, added) {
      if (this.options.showArea) { this._area = L.GeometryUtil.geodesicArea(this._poly.getLatLngs()); }
      vertexChanged.call(this, latlng, added);
    };
  }
})();
{% endmacro %}
"""
)


def measure_format(lang: str) -> dict[str, str]:
    """How the live measures write numbers and units in ``lang``.

    Parameters
    ----------
    lang : str
        ``ru``, ``kk`` or ``en``.

    Returns
    -------
    dict of str to str
        ``group`` and ``decimal`` separators, ``area_unit`` and ``length_unit``.
    """
    sample = format_number(1234.5, lang, 1)  # "1 234,5" / "1,234.5"
    return {
        "group": sample[1],
        "decimal": sample[-2],
        "area_unit": translate("unit.m2", lang),
        "length_unit": translate("unit.m", lang),
    }


class LiveMeasures(MacroElement):
    """Leaflet.draw's area and length formatters in the team's language, in m² and m.

    Parameters
    ----------
    lang : str
        ``ru``, ``kk`` or ``en``.
    """

    _template = _SCRIPT

    def __init__(self, lang: str) -> None:
        super().__init__()
        self._name = "LiveMeasures"
        self.format = measure_format(lang)
