"""Where sessions and concept versions are kept: the Store protocol and its two stores.

The sessions folder (:mod:`codesign.storage.files`) and PostgreSQL/PostGIS
(:mod:`codesign.storage.postgis`), with the same guarantees; :mod:`codesign.storage.copy` moves
sessions between them.
"""
