"""Which rule pack a session checks its concepts with, uploading another, and checking one owner's concept.

A session uses the pack the facilitator uploaded (kept by the store, :class:`StoredPack`), or else
the one its site names in ``site.toml`` (``rules = "aksu-illustrative"``), or none.

>>> import tempfile
>>> from codesign.services.demo import ensure_demo_session
>>> from codesign.storage.files import FileStore
>>> store = FileStore(tempfile.mkdtemp())
>>> demo = ensure_demo_session(store)
>>> session_pack(store, demo).id
'aksu-illustrative'
>>> report = check_owner(store, demo, "plan")
>>> report.result("parking-playground").status
'pass'
"""

from __future__ import annotations

from pathlib import PurePath

from codesign.analysis.norms import NormReport, check_concept
from codesign.domain.rules import MAX_PACK_BYTES, RulePack, RulePackError, StoredPack, load_pack, parse_pack
from codesign.domain.session import Session
from codesign.domain.site import Site, load_site
from codesign.storage.base import Store

__all__ = ["check_owner", "session_pack", "site_pack", "upload_pack"]


def site_pack(site: Site) -> RulePack | None:
    """The pack the site names in ``site.toml`` (``rules = "<pack>"``).

    Parameters
    ----------
    site
        The site.

    Returns
    -------
    RulePack or None
        None when the site names none.
    """
    name = site.meta.get("rules")
    return load_pack(name) if isinstance(name, str) and name else None


def session_pack(store: Store, session: Session) -> RulePack | None:
    """The pack the session checks with: the uploaded one, else the site's.

    Parameters
    ----------
    store
        The sessions' store.
    session
        The session.

    Returns
    -------
    RulePack or None
        None when there is neither.
    """
    stored = store.load_rules(session.id)
    if stored is not None:
        return parse_pack(stored.text, stored.name)
    return site_pack(load_site(session.site))


def upload_pack(store: Store, session_id: str, file_name: str, data: bytes) -> RulePack:
    """Check an uploaded pack and keep it with the session; a malformed one is refused and nothing kept.

    Parameters
    ----------
    store
        The sessions' store.
    session_id
        The session.
    file_name
        The uploaded file's name (only its last part is kept).
    data
        The file's bytes (UTF-8 TOML, at most :data:`~codesign.domain.rules.MAX_PACK_BYTES`).

    Returns
    -------
    RulePack
        The pack, as the session will use it.
    """
    name = PurePath(file_name.replace("\\", "/")).name[:120] or "rules.toml"
    if len(data) > MAX_PACK_BYTES:
        raise RulePackError(file=name, line=0, reason=f"the file is larger than {MAX_PACK_BYTES // 1000} KB")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise RulePackError(file=name, line=data[: err.start].count(b"\n") + 1, reason="not UTF-8 text") from None
    pack = parse_pack(text, name)
    store.save_rules(session_id, StoredPack(name, text))
    return pack


def check_owner(store: Store, session: Session, owner: str, pack: RulePack | None = None) -> NormReport | None:
    """The checks of an owner's latest concept (a team's, ``plan`` or ``vision``).

    Parameters
    ----------
    store
        The sessions' store.
    session
        The session.
    owner
        A team's id, ``plan`` or ``vision``.
    pack
        The pack to check with (default: :func:`session_pack`).

    Returns
    -------
    NormReport or None
        None when the owner has saved nothing or there is no pack.
    """
    pack = pack or session_pack(store, session)
    concept = store.load_latest(session.id, owner)
    if pack is None or concept is None:
        return None
    return check_concept(concept, pack, load_site(session.site))
