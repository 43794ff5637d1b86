"""Analysis of concepts: figures, one concept against another, the consensus of many, a session.

Pure computations on :mod:`codesign.domain` types in the site's metric CRS; no store, no drawing.
"""
