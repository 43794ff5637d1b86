"""Where sessions and concept versions are kept: the Store protocol and its two stores.

- :mod:`~codesign.storage.base`: the :class:`~codesign.storage.base.Store` protocol every
  signature takes, :func:`~codesign.storage.base.open_store`, and
  :class:`~codesign.storage.base.StoreBase`, what both stores share (new sessions, rounds and
  votes, the one translation of disk errors);
- :mod:`~codesign.storage.files`: the sessions folder, written through
  :mod:`~codesign.storage.disk` (atomic writes, locks), with the facilitator's generated secret
  (:mod:`~codesign.storage.secret_file`);
- :mod:`~codesign.storage.postgis`: PostgreSQL/PostGIS, its SQL in
  :mod:`~codesign.storage.postgis_rows`, its schema in :mod:`~codesign.storage.migrations`;
- :mod:`~codesign.storage.copy`: moves sessions between the two.
"""
