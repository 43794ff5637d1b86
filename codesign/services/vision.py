"""The joint vision's first draft, drawn from the consensus with the provenance of every feature.

The consensus page holds a consensus built from some voices' versions; :func:`draw_joint_vision`
reads those same versions, the plan and the dot votes from the store, and gives them to
:func:`codesign.analysis.consensus.joint_vision`, which records for each feature the teams behind
it, support k/N, the dots and whether the plan has the same use there
(:class:`~codesign.domain.provenance.Provenance`). Saving it is the page's (through the
facilitator's write gate).
"""

from __future__ import annotations

from collections.abc import Sequence

from codesign.analysis.consensus import Consensus, joint_vision
from codesign.domain.concept import Concept
from codesign.domain.session import PLAN_OWNER, VISION_OWNER, Session
from codesign.storage.base import Store

__all__ = ["draw_joint_vision"]


def draw_joint_vision(
    store: Store, session: Session, consensus: Consensus, versions: Sequence[tuple[str, int]], *, title: str
) -> Concept:
    """The joint vision drawn from ``consensus``, each feature with its provenance.

    Parameters
    ----------
    store : Store
        The sessions' store.
    session : Session
        The session.
    consensus : Consensus
        The consensus on screen.
    versions : Sequence of (str, int)
        The voices' (owner, version) the consensus was built from
        (:func:`codesign.services.analysis.voices`).
    title : str
        The vision's title.

    Returns
    -------
    Concept
        The vision (not stored yet), owner ``vision``.
    """
    concepts = [store.load_version(session.id, owner, version) for owner, version in versions]
    plan = store.load_latest(session.id, PLAN_OWNER)
    _, votes = store.load_votes(session.id)
    return joint_vision(
        consensus, site=session.site, team=VISION_OWNER, title=title, concepts=concepts, plan=plan, votes=votes
    )
