"""Report a finished shape to the app at once, not after streamlit-folium's 250 ms pause.

streamlit-folium (0.27) sends the map's drawings through an ``underscore`` debounce of
250 ms, made for panning and zooming. For a tablet that has just finished a shape, the pause
is a quarter of the time until its figures update. :class:`InstantDrawings` listens for
Leaflet.draw's ``draw:created``, ``draw:edited`` and ``draw:deleted`` on the sketch map and,
once streamlit-folium has noted the new drawings (a ``setTimeout`` of 0 puts it after its own
handler), sends the same value streamlit-folium would send (``{"all_drawings": [...]}``)
and records it as sent, so the debounced call that follows finds nothing new and sends
nothing. It does so only when the map returns exactly ``all_drawings`` and streamlit-folium's
state is where version 0.27 keeps it; otherwise it does nothing and the debounce applies.
"""

from __future__ import annotations

from branca.element import MacroElement
from jinja2 import Environment

__all__ = ["InstantDrawings"]

_SCRIPT = Environment(autoescape=False).from_string(
    """
{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }};
  function sendNow() {
    var state = window.__GLOBAL_DATA__;
    if (!state || !Array.isArray(state.returned_objects) || state.returned_objects.length !== 1 ||
        state.returned_objects[0] !== "all_drawings" || !Array.isArray(state.all_drawings)) { return; }
    var value = {all_drawings: state.all_drawings};
    if (JSON.stringify(state.previous_data) === JSON.stringify(value)) { return; }
    state.previous_data = value;
    window.parent.postMessage({isStreamlitMessage: true, type: "streamlit:setComponentValue",
                               value: value, dataType: "json"}, "*");
  }
  ["draw:created", "draw:edited", "draw:deleted"].forEach(function (name) {
    map.on(name, function () { setTimeout(sendNow, 0); });
  });
})();
{% endmacro %}
"""
)


class InstantDrawings(MacroElement):
    """Send the map's drawings as soon as a shape is finished, edited or deleted."""

    _template = _SCRIPT

    def __init__(self) -> None:
        super().__init__()
        self._name = "InstantDrawings"
