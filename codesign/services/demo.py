"""The bundled demo workshop on the Aksu site (illustrative data, labelled as such).

>>> import tempfile
>>> from codesign.storage.files import FileStore
>>> s = ensure_demo_session(FileStore(tempfile.mkdtemp()))
>>> s.id, [t.name for t in s.teams]
('aksu-demo', ['Жасыл аула', 'Семьи Аксу'])
"""

from __future__ import annotations

import json
from dataclasses import replace

from codesign.domain.concept import concept_from_geojson
from codesign.domain.session import PLAN_OWNER, Session
from codesign.domain.site import load_site
from codesign.errors import SessionNotFound
from codesign.storage.base import Store

__all__ = ["DEMO_SESSION_ID", "DEMO_SITE_ID", "ensure_demo_session"]

DEMO_SESSION_ID = "aksu-demo"
DEMO_SITE_ID = "aksu-city-square"
DEMO_TEAMS = ("Жасыл аула", "Семьи Аксу")


def ensure_demo_session(store: Store) -> Session:
    """Create the demo session with two teams' concepts and the plan, unless it exists.

    Parameters
    ----------
    store
        Where to create it.

    Returns
    -------
    Session
        The demo session (``aksu-demo``), as found or as created.
    """
    try:
        return store.load_session(DEMO_SESSION_ID)
    except SessionNotFound:
        pass
    site = load_site(DEMO_SITE_ID)
    session = store.create_session(
        site=DEMO_SITE_ID,
        title="Туған Қала · Аксу (демо, иллюстративные данные)",
        teams=[(name, None) for name in DEMO_TEAMS],
        session_id=DEMO_SESSION_ID,
        illustrative=True,
    )
    sources = {team.id: site.folder / "demo" / f"{team.id}.geojson" for team in session.teams}
    sources[PLAN_OWNER] = site.folder / "akimat_plan.geojson"
    for owner, path in sources.items():
        if path.is_file():
            concept = concept_from_geojson(json.loads(path.read_text(encoding="utf-8")))
            store.save_concept(session.id, owner, replace(concept, illustrative=True), base_version=0)
    return session
