"""The editable sketch map's words (Leaflet.draw, the map's notice) in one language, set in place.

:func:`codesign.render.folium_maps.sketch_map` with ``editable=True`` is the same in every
language. streamlit-folium rebuilds its iframe whenever the map's script changes (its component
key is a hash of that script), which resets the view and loses a shape half drawn; a layer
passed with ``feature_group_to_add`` is run on the map as it is. So a language switch changes
only :func:`language_layer`, which translates Leaflet.draw's buttons, tooltips and actions
(including those of a tool in use) and the map's notice without rebuilding anything.

>>> draw_local("kk")["draw"]["toolbar"]["buttons"]["polygon"]
'Аймақ салу'
"""

from __future__ import annotations

from typing import Any

import folium
from jinja2 import Environment

from codesign.domain.site import Site
from codesign.i18n import translate
from codesign.render.folium_maps import script_json

__all__ = ["draw_local", "language_layer"]

_TEMPLATES = Environment(autoescape=False)
_TEMPLATES.filters["tojson"] = script_json


def draw_local(lang: str) -> dict[str, Any]:
    """Leaflet.draw's user-facing strings in ``lang`` (it ships English only).

    Parameters
    ----------
    lang : str
        ``ru``, ``kk`` or ``en``.

    Returns
    -------
    dict of str to Any
        Nested like Leaflet.draw's ``L.drawLocal``.
    """

    def t(key: str) -> str:
        return translate(f"draw.{key}", lang)

    return {
        "draw": {
            "toolbar": {
                "actions": {"title": t("cancel_title"), "text": t("cancel")},
                "finish": {"title": t("finish_title"), "text": t("finish")},
                "undo": {"title": t("undo_title"), "text": t("undo")},
                "buttons": {
                    "polyline": t("button_path"),
                    "polygon": t("button_zone"),
                    "rectangle": t("button_rectangle"),
                    "marker": t("button_amenity"),
                },
            },
            "handlers": {
                "polygon": {
                    "tooltip": {"start": t("polygon_start"), "cont": t("polygon_cont"), "end": t("polygon_end")}
                },
                "polyline": {
                    "error": t("polyline_error"),
                    "tooltip": {"start": t("polyline_start"), "cont": t("polyline_cont"), "end": t("polyline_end")},
                },
                "rectangle": {"tooltip": {"start": t("rectangle_start")}},
                "simpleshape": {"tooltip": {"end": t("simpleshape_end")}},
                "marker": {"tooltip": {"start": t("marker_start")}},
            },
        },
        "edit": {
            "toolbar": {
                "actions": {
                    "save": {"title": t("save_title"), "text": t("save")},
                    "cancel": {"title": t("cancel_edit_title"), "text": t("cancel")},
                    "clearAll": {"title": t("clear_all_title"), "text": t("clear_all")},
                },
                "buttons": {
                    "edit": t("button_edit"),
                    "editDisabled": t("button_edit_disabled"),
                    "remove": t("button_remove"),
                    "removeDisabled": t("button_remove_disabled"),
                },
            },
            "handlers": {
                "edit": {"tooltip": {"text": t("edit_text"), "subtext": t("edit_subtext")}},
                "remove": {"tooltip": {"text": t("remove_text")}},
            },
        },
    }


_LANGUAGE_SCRIPT = _TEMPLATES.from_string(
    """
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.featureGroup();
(function () {
  var map = {{ this._parent.get_name() }};
  var ctl = map.attributionControl;
  var notice = document.createElement("span");
  notice.textContent = {{ this.notice|tojson }};
  if (window.cdNotice) { ctl.removeAttribution(window.cdNotice); }
  window.cdNotice = notice.textContent ? notice.outerHTML : "";
  if (window.cdNotice) { ctl.addAttribution(window.cdNotice); }
  if (!L.drawLocal || !window.cdDeepMerge) { return; }
  window.cdDeepMerge(L.drawLocal, {{ this.draw_local|tojson }});
  // Leaflet.draw reads some texts once, when it is built: set them on what is already there
  var control = window.cdDrawControl;
  if (!control || !control._toolbars) { return; }
  var d = L.drawLocal.draw, e = L.drawLocal.edit;
  var draw = control._toolbars.draw, edit = control._toolbars.edit;
  Object.keys((draw && draw._modes) || {}).forEach(function (type) {
    var mode = draw._modes[type], handler = mode.handler;
    if (d.toolbar.buttons[type]) { mode.button.title = d.toolbar.buttons[type]; }
    if (type === "marker") { handler._initialLabelText = d.handlers.marker.tooltip.start; }
    if (type === "rectangle") { handler._initialLabelText = d.handlers.rectangle.tooltip.start; }
    if (handler._endLabelText !== undefined) { handler._endLabelText = d.handlers.simpleshape.tooltip.end; }
    if (handler.options && handler.options.drawError) { handler.options.drawError.message = d.handlers.polyline.error; }
    if (handler._enabled && handler._tooltip) {
      handler._tooltip.updateContent(handler._getTooltipText ? handler._getTooltipText()
                                     : {text: handler._initialLabelText || ""});
    }
  });
  if (edit && edit._modes) {
    if (edit._modes.edit) { edit._modes.edit.button.title = e.toolbar.buttons.edit; }
    if (edit._modes.remove) { edit._modes.remove.button.title = e.toolbar.buttons.remove; }
  }
  [draw, edit].forEach(function (toolbar) {
    if (toolbar && toolbar._activeMode) { toolbar._showActionsToolbar(); }  // Finish, Cancel... anew
  });
})();
{% endmacro %}
"""
)


class _LanguageGroup(folium.FeatureGroup):
    """The sketch map's words in one language, set on the map as it is (nothing rebuilt).

    Parameters
    ----------
    site : Site
        The site (whether its map carries the "illustrative" notice).
    lang : str
        The language.
    """

    _template = _LANGUAGE_SCRIPT

    def __init__(self, site: Site, lang: str) -> None:
        super().__init__(name="language", control=False)
        self.notice = translate("map.illustrative", lang) if site.illustrative else ""
        self.draw_local = draw_local(lang)


def language_layer(site: Site, lang: str) -> folium.FeatureGroup:
    """The editable sketch map's texts in ``lang``, for ``st_folium(feature_group_to_add=[...])``.

    :func:`sketch_map` with ``editable=True`` is the same in every language, so streamlit-folium
    keeps the map (its view, a shape half drawn) when the language changes; this layer then
    translates Leaflet.draw's buttons, tooltips and actions, and the map's notice, in place.

    Parameters
    ----------
    site : Site
        The site.
    lang : str
        ``ru``, ``kk`` or ``en``.

    Returns
    -------
    folium.FeatureGroup
        The layer (it draws nothing).
    """
    return _LanguageGroup(site, lang)
