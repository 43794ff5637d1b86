"""Sketch-page figures for the closing note (measured, never asserted).

1. Tap-to-figures: time from the tap that places an amenity to the figures showing it,
   in real headless Chromium on an iPad viewport, median of 10 (target < 0.6 s; a finished shape is
   sent at once, not after streamlit-folium's 250 ms debounce).
2. Server-side run time of the sketch page with a 60-feature concept, via AppTest,
   median of 10 warm runs (target < 300 ms).
3. Bytes the map sends to the browser for the site with its context layers: the
   component's payload plus the vendored Leaflet files (target < 400 KB).

Run: ``make bench`` (or ``.venv/bin/python bench/sketch_bench.py``).
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import shapely  # noqa: E402
from shapely.geometry import LineString, Point, box  # noqa: E402

from codesign.domain.concept import Concept, ConceptFeature  # noqa: E402
from codesign.domain.site import load_site  # noqa: E402
from codesign.domain.taxonomy import categories  # noqa: E402
from codesign.storage.files import FileStore  # noqa: E402
from tests.support.serve import CHROMIUM_ARGS, running_app  # noqa: E402


def sixty_feature_concept(site_id: str = "aksu-city-square", seed: int = 1) -> Concept:
    """30 zones, 10 paths and 20 amenities scattered inside the site (deterministic)."""
    site = load_site(site_id)
    frame = site.frame
    rng = random.Random(seed)
    minx, miny, maxx, maxy = frame.boundary.bounds
    zones = [c.id for c in categories("zone")]
    amenities = [c.id for c in categories("amenity")]
    features: list[ConceptFeature] = []

    def inside(geom):
        return frame.to_lonlat(shapely.intersection(geom, frame.boundary))

    while len(features) < 30:
        x, y = rng.uniform(minx, maxx - 30), rng.uniform(miny, maxy - 30)
        geom = inside(box(x, y, x + rng.uniform(10, 30), y + rng.uniform(10, 30)))
        if geom.geom_type == "Polygon" and not geom.is_empty:
            features.append(ConceptFeature(f"f{len(features) + 1}", rng.choice(zones), geom))
    while len(features) < 40:
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        geom = inside(LineString([(x, y), (x + rng.uniform(-60, 60), y + rng.uniform(-60, 60))]))
        if geom.geom_type == "LineString" and geom.length > 0:
            features.append(ConceptFeature(f"f{len(features) + 1}", rng.choice(["walkway", "cycle_path"]), geom))
    while len(features) < 60:
        p = Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
        if frame.boundary.contains(p):
            features.append(ConceptFeature(f"f{len(features) + 1}", rng.choice(amenities), frame.to_lonlat(p)))
    return Concept(site=site_id, team="team-1", title="bench", features=tuple(features))


def payload_bytes() -> dict[str, int]:
    from streamlit_folium import _get_header, _get_html, _get_map_string  # noqa: PLC0415

    from codesign.render.folium_maps import concept_layer, context_geojson, sketch_map  # noqa: PLC0415

    site = load_site("aksu-city-square")
    m = sketch_map(site, "ru", context=context_geojson(site))
    m.get_root().render()
    script = _get_map_string(m)
    component = len(script.encode()) + len(_get_html(m).encode()) + len(_get_header(m).encode())
    concept_js = 0
    from streamlit_folium import _get_feature_group_string  # noqa: PLC0415

    concept_js = len(_get_feature_group_string(concept_layer(sixty_feature_concept(), "ru"), m).encode())
    static = ROOT / "static"
    vendored = sum(
        (static / p).stat().st_size
        for p in (
            "vendor/leaflet/leaflet.js",
            "vendor/leaflet/leaflet.css",
            "vendor/leaflet-draw/leaflet.draw.js",
            "vendor/leaflet-draw/leaflet.draw.css",
            "codesign-map.css",
        )
    )
    return {"map_component": component, "vendored_js_css": vendored, "concept_60_features": concept_js}


def server_run_time(runs: int = 10) -> list[float]:
    from streamlit.testing.v1 import AppTest  # noqa: PLC0415

    with tempfile.TemporaryDirectory() as root:
        os.environ["CODESIGN_SESSIONS_DIR"] = root
        store = FileStore(root)
        session = store.create_session(site="aksu-city-square", title="bench", teams=[("A", None)])
        store.save_concept(session.id, "team-1", sixty_feature_concept(), base_version=0)
        at = AppTest.from_file(str(ROOT / "app_pages" / "sketch.py"), default_timeout=60)
        at.query_params["s"] = session.id
        at.query_params["t"] = session.teams[0].token
        at.run()  # cold: loads the site, fills caches
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            at.run()
            times.append(time.perf_counter() - start)
            assert not at.exception, at.exception
        return times


def tap_to_figures(runs: int = 10) -> list[float]:
    from playwright.sync_api import expect, sync_playwright  # noqa: PLC0415

    with tempfile.TemporaryDirectory() as root:
        store = FileStore(root)
        session = store.create_session(site="aksu-city-square", title="bench", teams=[("A", None)])
        env = {"CODESIGN_SESSIONS_DIR": root, "CODESIGN_FACILITATOR_SECRET": "bench-secret-123456"}
        with running_app(env) as base:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
                device = {k: v for k, v in p.devices["iPad Pro 11"].items() if k != "default_browser_type"}
                page = browser.new_context(**device).new_page()
                page.goto(f"{base}/sketch?s={session.id}&t={session.teams[0].token}")
                frame = page.frame_locator('iframe[title="streamlit_folium.st_folium"]')
                frame.locator(".leaflet-container").wait_for(timeout=60_000)
                box = frame.locator(".leaflet-container").bounding_box()
                figures = page.locator(".st-key-figures")
                times = []
                for i in range(runs):
                    frame.locator("a.leaflet-draw-draw-marker").tap()
                    page.wait_for_timeout(300)
                    x = box["x"] + box["width"] * (0.3 + 0.04 * i)
                    y = box["y"] + box["height"] * 0.5
                    start = time.perf_counter()
                    page.touchscreen.tap(x, y)
                    expect(figures).to_contain_text(f"{i + 1} шт.", timeout=20_000)
                    times.append(time.perf_counter() - start)
                    page.wait_for_timeout(500)
                browser.close()
            return times


def main() -> None:
    sizes = payload_bytes()
    print("map bytes to the browser (site + context layers):")
    for name, value in sizes.items():
        print(f"  {name:24s} {value / 1024:8.1f} KB")
    print(
        f"  {'total first load':24s} {(sizes['map_component'] + sizes['vendored_js_css']) / 1024:8.1f} KB"
        "  (target < 400 KB; vendored files are cached by the browser after the first load)"
    )
    runs = server_run_time()
    print(
        f"sketch page server run, 60 features: median {statistics.median(runs) * 1000:.0f} ms, "
        f"max {max(runs) * 1000:.0f} ms over {len(runs)} runs (target < 300 ms)"
    )
    taps = tap_to_figures()
    print(
        f"tap -> figures updated: median {statistics.median(taps) * 1000:.0f} ms, "
        f"max {max(taps) * 1000:.0f} ms over {len(taps)} taps (target < 600 ms)"
    )
    print(json.dumps({"bytes": sizes, "server_run_s": runs, "tap_to_figures_s": taps}))


if __name__ == "__main__":
    main()
