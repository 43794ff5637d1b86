r"""Folium map builders (folium, not Streamlit), offline: every asset is served locally.

The sketch map holds the site, its context layers and a Leaflet.draw toolbar. The
concept itself is sent separately (:func:`concept_layer`) so that a new save does not
rebuild the map: its features are put into Leaflet.draw's editable group, each tagged
with its feature id, and every new shape gets a ``draft`` id before it is reported.

All text that reaches the browser is set with ``textContent`` (never as HTML), and all
data is embedded with :func:`script_json` (the ``tojson`` of these templates): ``<``, ``>``,
``&`` and ``'`` become ``\u`` escapes, as with Jinja's own ``tojson``, and so do ``{`` and
``}`` inside strings. That last part matters: branca renders each element's template, then
compiles the *rendered* script as a Jinja template again (``Element(script(...))``), so a
label such as ``{% if %}`` broke every map that showed it, and one such as ``{{ 7*7 }}`` was
evaluated on the server (unsandboxed Jinja: attribute access reaches ``os``). With the
braces escaped no user text can form ``{{``, ``{%`` or ``{#``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import folium
import folium.plugins
import shapely
from branca.element import MacroElement
from jinja2 import Environment
from markupsafe import Markup
from shapely.geometry import shape

from codesign.domain.concept import Concept, concept_to_geojson
from codesign.domain.site import Site
from codesign.domain.taxonomy import categories
from codesign.i18n import translate
from codesign.render.icons import icon_path_data
from codesign.render.styles import CONTEXT

__all__ = [
    "STATIC_URL",
    "Styled",
    "concept_layer",
    "context_geojson",
    "script_json",
    "sketch_map",
    "styled_layer",
    "vendor_assets",
]

#: Where ``.streamlit/config.toml`` (enableStaticServing) serves ``./static``.
STATIC_URL = "/app/static"
#: The map's background (``static/codesign-map.css`` sets it on the Leaflet container).
MAP_BACKGROUND = CONTEXT["background"]
#: Leaflet styles of the context layers by name, in the palette of :mod:`codesign.render.styles`
#: (a layer not named here, trees included, gets a thin grey outline).
_CONTEXT_STYLES = {
    "water": {"color": CONTEXT["water_edge"], "weight": 1, "fillColor": CONTEXT["water_fill"], "fillOpacity": 1},
    "building": {
        "color": CONTEXT["building_edge"],
        "weight": 1,
        "fillColor": CONTEXT["building_fill"],
        "fillOpacity": 1,
    },
    "street": {"color": CONTEXT["street"], "weight": 9, "opacity": 1, "lineCap": "round"},
    "path": {"color": CONTEXT["path"], "weight": 2, "dashArray": "4 4"},
}
#: The site's boundary and the tree markers (before the outline above is set on them).
_SITE_AND_TREE_STYLES = {
    "site": {
        "color": CONTEXT["site_edge"],
        "weight": 3,
        "dashArray": "8 6",
        "fillColor": CONTEXT["site_fill"],
        "fillOpacity": 0.8,
    },
    "tree": {"color": CONTEXT["tree_edge"], "fillColor": CONTEXT["tree_fill"]},
}

#: Characters that are never written as themselves in embedded JSON: the four Jinja's
#: ``tojson`` escapes (HTML), and, inside strings, the braces (template markers).
_HTML_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "'": "\\u0027"})
_BRACE_ESCAPES = str.maketrans({"{": "\\u007b", "}": "\\u007d"})
#: One JSON string literal as ``json.dumps`` writes it (quotes and backslashes inside are escaped).
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def script_json(value: Any) -> Markup:
    r"""``value`` as JSON that stays inert in an HTML ``<script>`` and in a Jinja template.

    Like Jinja's ``tojson`` (``<``, ``>``, ``&`` and ``'`` written as ``\u`` escapes), and
    ``{`` and ``}`` inside strings too, so that no text can form ``{{``, ``{%`` or ``{#``
    when branca compiles the rendered script again. JavaScript reads the same values back.

    >>> print(script_json({"label": "{{ 7*7 }} </script>", "n": [1, {}]}))
    {"label":"\u007b\u007b 7*7 \u007d\u007d \u003c/script\u003e","n":[1,{}]}
    >>> print(script_json(None))
    null

    Parameters
    ----------
    value : Any
        Any JSON-serialisable value.

    Returns
    -------
    Markup
        The JSON, safe to put into a script or a template as it is.
    """
    text = json.dumps(value, separators=(",", ":")).translate(_HTML_ESCAPES)
    if "{" in text or "}" in text:
        text = _JSON_STRING.sub(lambda string: string.group(0).translate(_BRACE_ESCAPES), text)
    return Markup(text)


#: The templates of this module's map elements: their ``tojson`` is :func:`script_json`.
_TEMPLATES = Environment(autoescape=False)
_TEMPLATES.filters["tojson"] = script_json


def vendor_assets(static_url: str = STATIC_URL) -> dict[str, list[tuple[str, str]]]:
    """Local Leaflet and Leaflet.draw files (vendored under ``static/vendor``).

    Parameters
    ----------
    static_url : str
        Where the app serves ``./static``.

    Returns
    -------
    dict of str to list of (str, str)
        ``js`` and ``css``: (name, URL) pairs, as folium's ``default_js`` / ``default_css`` take them.
    """
    return {
        "js": [
            ("leaflet", f"{static_url}/vendor/leaflet/leaflet.js"),
            ("leaflet_draw", f"{static_url}/vendor/leaflet-draw/leaflet.draw.js"),
        ],
        "css": [
            ("leaflet_css", f"{static_url}/vendor/leaflet/leaflet.css"),
            ("leaflet_draw_css", f"{static_url}/vendor/leaflet-draw/leaflet.draw.css"),
            ("codesign_css", f"{static_url}/codesign-map.css"),
        ],
    }


def context_geojson(site: Site, precision: int = 6) -> dict[str, Any]:
    """The site's context layers, trimmed for the browser (6 decimals is about 10 cm).

    Street names become label points at each street's middle.

    Parameters
    ----------
    site : Site
        The site.
    precision : int
        Decimals kept in coordinates.

    Returns
    -------
    dict of str to Any
        A GeoJSON FeatureCollection, each feature's ``layer`` (and a label's ``name``) kept.
    """
    features = []
    for feature in site.context.get("features", []):
        props = feature.get("properties") or {}
        layer = props.get("layer")
        geom = shapely.set_precision(shape(feature["geometry"]), 10**-precision)
        if geom.is_empty:
            continue
        features.append({"type": "Feature", "properties": {"layer": layer}, "geometry": shapely.geometry.mapping(geom)})
        name = props.get("name")
        if layer == "street" and name and geom.length > 0:
            mid = geom.interpolate(0.5, normalized=True)
            features.append(
                {
                    "type": "Feature",
                    "properties": {"layer": "label", "name": str(name)[:60]},
                    "geometry": {"type": "Point", "coordinates": [round(mid.x, precision), round(mid.y, precision)]},
                }
            )
    return {"type": "FeatureCollection", "features": features}


_HELPERS_SCRIPT = _TEMPLATES.from_string(
    """
{% macro script(this, kwargs) %}
window.cdDeepMerge = function (target, source) {
  Object.keys(source).forEach(function (k) {
    if (source[k] && typeof source[k] === "object") { window.cdDeepMerge(target[k] = target[k] || {}, source[k]); }
    else { target[k] = source[k]; }
  });
};
{% endmacro %}
"""
)


class _Helpers(MacroElement):
    """Functions the map's other scripts share (``window.cdDeepMerge``)."""

    _template = _HELPERS_SCRIPT

    def __init__(self) -> None:
        super().__init__()
        self._name = "Helpers"


_SITE_SCRIPT = _TEMPLATES.from_string(
    """
{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }};
  var ctx = {{ this.context|tojson }};
  var styles = {{ this.styles|tojson }};
  var own = {{ this.own_styles|tojson }};
  map.createPane("context"); map.getPane("context").style.zIndex = 250;
  map.createPane("labels"); map.getPane("labels").style.zIndex = 640;
  map.getPane("labels").style.pointerEvents = "none";
  L.geoJSON({{ this.boundary|tojson }}, {pane: "context", interactive: false,
    style: own.site}).addTo(map);
  L.geoJSON(ctx, {pane: "context", interactive: false,
    filter: function (f) { return f.properties.layer !== "label"; },
    style: function (f) { return styles[f.properties.layer] || {color: "#999", weight: 1}; },
    pointToLayer: function (f, ll) {
      return L.circleMarker(ll, {pane: "context", radius: 3, weight: 1, color: own.tree.color,
                                 fillColor: own.tree.fillColor, fillOpacity: 0.9, interactive: false});
    }}).addTo(map);
  ctx.features.forEach(function (f) {
    if (f.properties.layer !== "label") { return; }
    var el = document.createElement("span");
    el.className = "cd-street-label"; el.textContent = f.properties.name;
    L.marker([f.geometry.coordinates[1], f.geometry.coordinates[0]],
             {pane: "labels", interactive: false, keyboard: false,
              icon: L.divIcon({className: "cd-label-icon", html: el, iconSize: null})}).addTo(map);
  });
  var attribution = document.createElement("span");
  attribution.textContent = {{ this.attribution|tojson }};
  L.control.scale({imperial: false, maxWidth: 160}).addTo(map);
  map.attributionControl.setPrefix(false);
  if (attribution.textContent) { map.attributionControl.addAttribution(attribution.outerHTML); }
  map.fitBounds({{ this.bounds|tojson }}, {padding: [12, 12]});
  // the Leaflet.draw control, for the language layer to relabel in place
  if (L.Control.Draw) { L.Control.Draw.addInitHook(function () { window.cdDrawControl = this; }); }
  {% if this.draw_local %}
  if (L.drawLocal) { window.cdDeepMerge(L.drawLocal, {{ this.draw_local|tojson }}); }
  {% endif %}
  // Every new shape gets a draft id before the app hears of it, so a shape that
  // reaches the app twice is never stored twice.
  map.on("draw:created", function (e) {
    e.layer.feature = {type: "Feature", properties: {draft: Date.now().toString(36) + "-" +
                       Math.random().toString(36).slice(2, 10)}};
  });
})();
{% endmacro %}
"""
)


class _SiteLayers(MacroElement):
    """Site boundary, context layers, attribution, translated Leaflet.draw, draft ids.

    Parameters
    ----------
    site : Site
        The site.
    lang : str or None
        The language of the attribution notice and Leaflet.draw; None: none here, the
        language layer sets them (so the map is the same in every language).
    context : dict of str to Any
        :func:`context_geojson` output.
    """

    _template = _SITE_SCRIPT

    def __init__(self, site: Site, lang: str | None, context: dict[str, Any]) -> None:
        super().__init__()
        self._name = "SiteLayers"
        self.context = context
        self.styles = _CONTEXT_STYLES
        self.own_styles = _SITE_AND_TREE_STYLES
        self.boundary = shapely.geometry.mapping(site.boundary)
        notice = translate("map.illustrative", lang) if lang and site.illustrative else ""
        self.attribution = " · ".join(x for x in (notice, site.attribution) if x)
        self.bounds = site.bounds_latlon
        from codesign.render.folium_language import draw_local  # it imports this module

        self.draw_local = draw_local(lang) if lang else {}


def sketch_map(site: Site, lang: str, *, context: dict[str, Any] | None = None, editable: bool = True) -> folium.Map:
    """The base map of the sketch page: identical across reruns for one site and language.

    Parameters
    ----------
    site : Site
        The site.
    lang : str
        The language of the map's texts.
    context : dict of str to Any, or None
        :func:`context_geojson` output (pass a cached copy to save time; None: made here).
    editable : bool
        Add the Leaflet.draw toolbar. The editable map is the same in every language (switching
        language then keeps the view and a half-drawn shape): pass :func:`language_layer` with it.

    Returns
    -------
    folium.Map
        The map, every asset served locally.
    """
    m = folium.Map(
        location=list(site.centre),
        zoom_start=site.default_zoom,
        tiles=None,
        control_scale=False,
        double_click_zoom=False,
        max_zoom=21,
        min_zoom=14,
        zoom_snap=0.5,
        prefer_canvas=False,
    )
    assets = vendor_assets()
    m.default_js = assets["js"][:1]
    m.default_css = assets["css"]
    _Helpers().add_to(m)
    _SiteLayers(site, None if editable else lang, context if context is not None else context_geojson(site)).add_to(m)
    if editable:
        from codesign.render.draw_measure import DRAW_MEASURE_OPTIONS as MEASURE  # noqa: PLC0415
        from codesign.render.draw_measure import LiveMeasures  # noqa: PLC0415
        from codesign.render.instant_drawings import InstantDrawings  # noqa: PLC0415

        draw = folium.plugins.Draw(
            position="topleft",
            draw_options={
                "polyline": {"shapeOptions": {"color": "#222222", "weight": 5}, **MEASURE["polyline"]},
                "polygon": {
                    "allowIntersection": True,
                    "shapeOptions": {"color": "#222222", "weight": 3},
                    **MEASURE["polygon"],
                },
                "rectangle": {"shapeOptions": {"color": "#222222", "weight": 3}, **MEASURE["rectangle"]},
                "circle": False,
                "circlemarker": False,
                "marker": True,
            },
            edit_options={"poly": {"allowIntersection": True}},
        )
        draw.default_js = assets["js"][1:]
        draw.default_css = []
        draw.add_to(m)
        LiveMeasures(lang).add_to(m)  # area and length while drawing, in the team's language
        InstantDrawings().add_to(m)  # a finished shape reaches the app without the 250 ms debounce
    return m


_CONCEPT_SCRIPT = _TEMPLATES.from_string(
    """
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.featureGroup();
(function () {
  var data = {{ this.data|tojson }};
  var styles = {{ this.styles|tojson }};
  var target = (window.drawnItems && window.drawnItems.clearLayers) ? window.drawnItems : {{ this.get_name() }};
  function text(value) { var el = document.createElement("span"); el.textContent = value; return el; }
  function tip(f) {
    var s = styles[f.properties.category] || {label: f.properties.category};
    return text(s.label + (f.properties.label ? ": " + f.properties.label : ""));
  }
  // The same shapes in another language: only the tooltips change, so a shape being edited
  // or drawn on the map is left alone.
  var key = JSON.stringify(data);
  if (window.cdConceptKey === key && target === window.cdConceptTarget) {
    target.eachLayer(function (layer) {
      if (layer.feature && layer.getTooltip()) { layer.setTooltipContent(tip(layer.feature)); }
    });
    return;
  }
  window.cdConceptKey = key; window.cdConceptTarget = target;
  target.clearLayers();
  L.geoJSON(data, {
    style: function (f) {
      var s = styles[f.properties.category] || {colour: "#555555"};
      if (f.properties.kind === "path") { return {color: s.colour, weight: 6, opacity: 0.95}; }
      return {color: s.colour, weight: 2, fillColor: s.colour, fillOpacity: 0.55};
    },
    pointToLayer: function (f, ll) {
      var s = styles[f.properties.category] || {colour: "#555555", path: ""};
      var el = document.createElement("div"), ns = "http://www.w3.org/2000/svg";
      el.className = "cd-amenity"; el.style.borderColor = s.colour;
      var svg = document.createElementNS(ns, "svg"), glyph = document.createElementNS(ns, "path");
      svg.setAttribute("viewBox", "0 -960 960 960"); svg.setAttribute("aria-hidden", "true");
      glyph.setAttribute("d", s.path); glyph.setAttribute("fill", s.colour);
      svg.appendChild(glyph); el.appendChild(svg);
      return L.marker(ll, {icon: L.divIcon({className: "cd-amenity-icon", html: el,
                                             iconSize: [34, 34], iconAnchor: [17, 17]})});
    },
    onEachFeature: function (f, layer) { layer.bindTooltip(tip(f), {sticky: true}); }
  }).eachLayer(function (layer) { target.addLayer(layer); });
})();
{% endmacro %}
"""
)


class _ConceptGroup(folium.FeatureGroup):
    """The concept's features, placed in Leaflet.draw's editable group.

    Parameters
    ----------
    data : dict of str to Any
        The concept as GeoJSON.
    lang : str
        The language of the tooltips' category labels.
    """

    _template = _CONCEPT_SCRIPT

    def __init__(self, data: dict[str, Any], lang: str) -> None:
        super().__init__(name="concept", control=False)
        self.data = data
        self.styles = {
            c.id: {"colour": c.colour, "path": icon_path_data(c.icon), "label": c.label(lang)} for c in categories()
        }


def concept_layer(concept: Concept, lang: str) -> folium.FeatureGroup:
    """The concept as a layer for ``st_folium(feature_group_to_add=...)``.

    Parameters
    ----------
    concept : Concept
        The concept.
    lang : str
        The language of its tooltips.

    Returns
    -------
    folium.FeatureGroup
        The layer.
    """
    data = concept_to_geojson(concept)
    data.pop("codesign", None)
    return _ConceptGroup(data, lang)


_STYLED_SCRIPT = _TEMPLATES.from_string(
    """
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.featureGroup();
(function () {
  var group = {{ this.get_name() }};
  function hatch(layer) {
    var svg = layer._path && layer._path.ownerSVGElement;
    if (!svg) { return; }
    if (!svg.querySelector("#cd-hatch")) {
      var ns = "http://www.w3.org/2000/svg";
      var defs = document.createElementNS(ns, "defs");
      var pattern = document.createElementNS(ns, "pattern");
      pattern.setAttribute("id", "cd-hatch"); pattern.setAttribute("width", "8"); pattern.setAttribute("height", "8");
      pattern.setAttribute("patternUnits", "userSpaceOnUse"); pattern.setAttribute("patternTransform", "rotate(45)");
      var line = document.createElementNS(ns, "rect");
      line.setAttribute("width", "3"); line.setAttribute("height", "8"); line.setAttribute("fill", "#333");
      pattern.appendChild(line); defs.appendChild(pattern); svg.insertBefore(defs, svg.firstChild);
    }
    layer._path.setAttribute("fill", "url(#cd-hatch)");
    layer._path.setAttribute("fill-opacity", "0.55");
  }
  L.geoJSON({{ this.data|tojson }}, {
    style: function (f) {
      return {color: f.properties.stroke || f.properties.colour, weight: f.properties.weight || 1,
              fillColor: f.properties.colour, fillOpacity: f.properties.opacity,
              dashArray: f.properties.dash || null};
    },
    pointToLayer: function (f, ll) {
      return L.circleMarker(ll, {radius: f.properties.radius || 8, color: "#222", weight: 2,
                                 fillColor: f.properties.colour, fillOpacity: f.properties.opacity});
    },
    onEachFeature: function (f, layer) {
      var el = document.createElement("span"); el.textContent = f.properties.label;
      layer.bindTooltip(el, {sticky: true});
    }
  }).eachLayer(function (layer) {
    group.addLayer(layer);
    if (layer.feature.properties.hatch) {
      layer.on("add", function () { hatch(layer); });
      if (layer._path) { hatch(layer); }
    }
  });
})();
{% endmacro %}
"""
)


class _StyledGroup(folium.FeatureGroup):
    """Polygons with their own colour, opacity and (text-only) tooltip.

    Parameters
    ----------
    data : dict of str to Any
        A GeoJSON FeatureCollection whose properties carry the look.
    """

    _template = _STYLED_SCRIPT

    def __init__(self, data: dict[str, Any]) -> None:
        super().__init__(name="styled", control=False)
        self.data = data


@dataclass(frozen=True)
class Styled:
    """One shape for :func:`styled_layer`: lon/lat geometry, colour, tooltip text, look."""

    geometry: Any
    colour: str
    label: str
    opacity: float = 0.7
    hatch: bool = False
    radius: float | None = None  # for points: circle radius in pixels
    weight: float = 1.0
    stroke: str | None = None


def styled_layer(items: Iterable[Styled]) -> folium.FeatureGroup:
    """A layer for ``feature_group_to_add``: polygons and circles with their own look.

    Labels are shown as plain text in tooltips; ``hatch`` fills a polygon with stripes.

    Parameters
    ----------
    items : Iterable of Styled
        The shapes (empty ones left out).

    Returns
    -------
    folium.FeatureGroup
        The layer.
    """
    features = [
        {
            "type": "Feature",
            "geometry": shapely.geometry.mapping(item.geometry),
            "properties": {
                "colour": item.colour,
                "label": item.label,
                "opacity": item.opacity,
                "hatch": item.hatch,
                "radius": item.radius,
                "weight": item.weight,
                "stroke": item.stroke,
            },
        }
        for item in items
        if not item.geometry.is_empty
    ]
    return _StyledGroup({"type": "FeatureCollection", "features": features})
