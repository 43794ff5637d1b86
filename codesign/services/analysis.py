"""A session's analysis read from a store: the latest concepts and the votes, then :mod:`codesign.analysis.session`.

The report (:func:`codesign.report.build_report`) and the exports (:mod:`codesign.export`)
take the :class:`~codesign.analysis.session.SessionAnalysis` this makes; the app and the
command line call :func:`load_analysis` and hand the result on.

>>> import tempfile
>>> from codesign.services.demo import ensure_demo_session
>>> from codesign.storage.files import FileStore
>>> store = FileStore(tempfile.mkdtemp())
>>> demo = ensure_demo_session(store)
>>> analysis = load_analysis(store, demo.id)
>>> [team.id for team, _ in analysis.teams], analysis.plan is not None
(['team-1', 'team-2'], True)
>>> voices(store, demo, with_plan=True)
(('team-1', 1), ('team-2', 1), ('plan', 1))
"""

from __future__ import annotations

from dataclasses import replace

from codesign.analysis.consensus import DEFAULT_CLUSTER_DISTANCE_M, DEFAULT_THRESHOLD
from codesign.analysis.session import SessionAnalysis, analyse_session, voice_owners, with_norms
from codesign.domain.concept import Concept
from codesign.domain.session import PLAN_OWNER, VISION_OWNER, Session
from codesign.domain.site import load_site
from codesign.services.norms import session_pack
from codesign.storage.base import Store

__all__ = ["load_analysis", "voices"]


def load_analysis(
    store: Store,
    session_id: str,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    cluster_distance_m: float = DEFAULT_CLUSTER_DISTANCE_M,
) -> SessionAnalysis:
    """Load the session's latest concepts, votes, rule pack, costing and reasons, and analyse them.

    Parameters
    ----------
    store : Store
        The sessions' store.
    session_id : str
        The session.
    threshold : float
        Share of the voices at which ground counts as agreed.
    cluster_distance_m : float
        Distance (m) within which amenities of one type form a cluster.

    Returns
    -------
    SessionAnalysis
        Figures, comparisons with the plan, consensus, places, votes and the dispute vote.

    Raises
    ------
    CodesignError
        ``error.session_not_found`` for an unknown session, ``cli.no_concepts`` when no team
        has saved a concept yet.
    """
    session = store.load_session(session_id)
    teams: dict[str, Concept] = {}
    for team in session.teams:
        concept = store.load_latest(session.id, team.id)
        if concept is not None:
            teams[team.id] = concept
    plan = store.load_latest(session.id, PLAN_OWNER)
    vision = store.load_latest(session.id, VISION_OWNER)
    _, votes = store.load_votes(session.id)
    analysis = analyse_session(
        session,
        load_site(session.site),
        teams,
        plan,
        vision,
        votes,
        threshold=threshold,
        cluster_distance_m=cluster_distance_m,
        costing=store.load_costing(session.id),
        reasons=store.load_reasons(session.id),
    )
    analysis = with_norms(analysis, session_pack(store, session))
    return replace(analysis, disputes=store.load_disputes(session.id))


def voices(store: Store, session: Session, *, with_plan: bool = False) -> tuple[tuple[str, int], ...]:
    """The voices of the session's consensus that have saved a concept, with their latest version.

    Who is a voice is :func:`codesign.analysis.session.voice_owners`; the versions change after
    any save, so the pair is a key for a cached consensus.

    Parameters
    ----------
    store : Store
        The sessions' store.
    session : Session
        The session.
    with_plan : bool
        Count the akimat's plan as one more voice.

    Returns
    -------
    tuple of (str, int)
        (owner, latest version) in :func:`~codesign.analysis.session.voice_owners` order,
        owners with nothing saved left out.
    """
    latest = ((owner, store.latest_version(session.id, owner)) for owner in voice_owners(session, with_plan=with_plan))
    return tuple((owner, version) for owner, version in latest if version > 0)
