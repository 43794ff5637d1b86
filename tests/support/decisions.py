"""A session for the cost, provenance and reasons tests: drawn on paper, with known costs.

Around the centre of the Aksu square (metres), three teams and the plan:

- team-1 and team-2 draw the same 40 x 20 playground (800 m²) in the south-west, team-3 a sports
  ground there; the plan has a 50 x 50 lawn there;
- a 50 x 50 lawn (2,500 m²) in the north-east by team-1, its halves by team-2 and team-3; the plan
  has the same lawn;
- a bench each (team-1's and team-2's 2 m apart); the plan has a bench near them.

With :data:`PRICES` (playground 1,000 per m², lawn 10 per m², bench 50, the sports ground
unpriced) and a budget of 1,000,000, by hand: team-1 costs 800,000 + 25,000 + 50 = 825,050
(82.5 % of the budget); the plan 2 x 2,500 x 10 + 50 = 50,050; against the plan team-1 has
+800,000 of playground, -25,000 of lawn and 0 of benches.
"""

from __future__ import annotations

from shapely.affinity import translate
from shapely.geometry import Point, box

from codesign.domain.concept import Concept, ConceptFeature
from codesign.domain.prices import SessionCosting, parse_price_list, with_budget
from codesign.domain.session import PLAN_OWNER, VISION_OWNER, Session
from codesign.domain.site import load_site
from codesign.services.analysis import load_analysis, voices
from codesign.services.vision import draw_joint_vision
from codesign.storage.base import Store

__all__ = ["BUDGET", "PRICES", "SITE", "TEAMS", "decision_session"]

SITE = "aksu-city-square"
PRICES = 'currency = "KZT"\n[zone]\nplayground = 1000\nlawn = 10\n[amenity]\nbench = 50\n'
BUDGET = 1_000_000
TEAMS = ("Орлы", "Соколы", "Совы {x}")


def _concept(owner: str, *shapes) -> Concept:
    frame = load_site(SITE).frame
    c = frame.boundary.centroid
    features = tuple(
        ConceptFeature(f"f{i}", cid, frame.to_lonlat(translate(geom, c.x - 50, c.y - 50)))
        for i, (cid, geom) in enumerate(shapes, start=1)
    )
    return Concept(SITE, owner, features=features)


def decision_session(store: Store, *, vision: bool = True, costing: bool = True, title: str = "Решение") -> Session:
    """The session above in ``store``: the teams' concepts, the plan, the joint vision, prices and budget.

    Parameters
    ----------
    store : Store
        Where to make it.
    vision : bool
        Draw and save the joint vision from the consensus.
    costing : bool
        Set :data:`PRICES` and :data:`BUDGET`.
    title : str
        The session's title.

    Returns
    -------
    Session
        The session.
    """
    session = store.create_session(site=SITE, title=title, teams=[(name, None) for name in TEAMS])
    drawn = {
        "team-1": [("playground", box(0, 0, 40, 20)), ("lawn", box(50, 50, 100, 100)), ("bench", Point(80, 10))],
        "team-2": [("playground", box(0, 0, 40, 20)), ("lawn", box(50, 50, 100, 75)), ("bench", Point(82, 10))],
        "team-3": [("sports_ground", box(0, 0, 40, 20)), ("lawn", box(50, 75, 100, 100)), ("bench", Point(50, 90))],
        PLAN_OWNER: [("lawn", box(0, 0, 50, 50)), ("lawn", box(50, 50, 100, 100)), ("bench", Point(81, 12))],
    }
    for owner, shapes in drawn.items():
        store.save_concept(session.id, owner, _concept(owner, *shapes), 0)
    if vision:
        first = load_analysis(store, session.id)
        drawn_vision = draw_joint_vision(store, session, first.consensus, voices(store, session), title="Вместе")
        store.save_concept(session.id, VISION_OWNER, drawn_vision, 0)
    if costing:
        chosen = with_budget(SessionCosting(parse_price_list(PRICES, "city"), source="uploaded"), BUDGET)
        store.update_costing(session.id, lambda _: chosen)
    return session
