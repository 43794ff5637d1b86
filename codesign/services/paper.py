"""Paper sheets with a store: print a session's sheets, read a photo for a session.

:func:`session_sheets` prints the sheets of every team (or some) of a session, the akimat's
plan faint under them if asked; :func:`scan_for_session` reads a photo, refuses a sheet of
another session and tells which team's sheet it is (the QR code, else the team chosen).
Saving goes through the usual write gate or store, as for an import.

>>> import tempfile
>>> from codesign.services.demo import ensure_demo_session
>>> from codesign.storage.files import FileStore
>>> store = FileStore(tempfile.mkdtemp())
>>> demo = ensure_demo_session(store)
>>> session_sheets(store, demo.id, "ru", teams=["team-1"], dpi=50).startswith(b"%PDF")
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from codesign.domain.session import PLAN_OWNER, Session
from codesign.domain.site import Site, load_site
from codesign.errors import PaperScanError
from codesign.paper.scan import SheetScan, scan_photo
from codesign.paper.sheet import SHEET_DPI, build_sheets
from codesign.storage.base import Store

__all__ = ["PaperScan", "scan_for_session", "session_sheets"]


def session_sheets(
    store: Store,
    session_id: str,
    lang: str,
    paper: str = "a4",
    *,
    teams: Sequence[str] | None = None,
    with_plan: bool = False,
    dpi: int = SHEET_DPI,
) -> bytes:
    """The session's sheets as one PDF, a page per team.

    Parameters
    ----------
    store
        The store.
    session_id
        The session.
    lang
        ``ru``, ``kk`` or ``en``.
    paper
        ``a4`` or ``a3``.
    teams
        Team ids (default: every team); an unknown id is refused.
    with_plan
        Print the akimat's latest plan faint on the map (when there is one).
    dpi
        Resolution of the map.

    Returns
    -------
    bytes
        The PDF.
    """
    session = store.load_session(session_id)
    for team in teams or ():
        session.team(team)
    plan = store.load_latest(session.id, PLAN_OWNER) if with_plan else None
    return build_sheets(session, load_site(session.site), lang, paper, teams=teams, plan=plan, dpi=dpi)


@dataclass(frozen=True)
class PaperScan:
    """A photo read for a session: the scan, the session, its site and the team the sheet is for.

    ``team`` is None when the QR code could not be read and no team was chosen.
    """

    scan: SheetScan
    session: Session
    site: Site
    team: str | None


def scan_for_session(store: Store, session_id: str, data: bytes, team: str | None = None) -> PaperScan:
    """Read a photo of a sheet for a session; refuse another session's sheet or an unknown team.

    Parameters
    ----------
    store
        The store.
    session_id
        The session the sheet must belong to.
    data
        The photo's bytes.
    team
        The team, when the QR code cannot be read (the code's team wins when it can).

    Returns
    -------
    PaperScan
        The scan and whose sheet it is.
    """
    session = store.load_session(session_id)
    site = load_site(session.site)
    scan = scan_photo(data, session.id)
    scan.georeference(site.frame)  # a sheet of another site is refused here, before any mapping
    owner = scan.code.team if scan.code is not None else team
    if owner is not None and owner not in {t.id for t in session.teams}:
        raise PaperScanError("paper.unknown_team", team=owner)
    return PaperScan(scan, session, site, owner)
