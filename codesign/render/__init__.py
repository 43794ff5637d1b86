"""Drawing: folium maps, SVG thumbnails and matplotlib report maps in one style.

One palette, one opacity rule, one number format. Renderers take domain and analysis objects,
never a store.

- :mod:`codesign.render.styles`: the palette and the look of states, consensus, places, amenities;
- :mod:`codesign.render.text`: numbers, areas, shares, kappas and times as every screen prints them;
- :mod:`codesign.render.folium_maps`: the app's offline Leaflet maps;
- :mod:`codesign.render.svg`: small SVG pictures of a concept for the live gallery;
- :mod:`codesign.render.mpl_map` (with :mod:`codesign.render.mpl_parts`): a site map on paper;
- :mod:`codesign.render.analysis_maps`: the report's maps of a session's analysis.
"""
