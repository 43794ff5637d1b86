"""Drawing: folium maps, SVG thumbnails and matplotlib report maps in one style.

One palette, one opacity rule, one number format. Renderers take domain and analysis objects,
never a store.
"""
