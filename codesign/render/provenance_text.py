"""A joint vision feature's provenance in words, as the report, the DXF labels and the pages print it.

>>> from codesign.domain.provenance import Provenance
>>> p = Provenance("consensus", ("team-1", "team-2"), 2, 3, 4, plan_same_use=False, plan_use="lawn")
>>> provenance_lines(p, {"team-1": "Орлы", "team-2": "Соколы"}, "en")
['From the consensus', 'Teams: Орлы, Соколы', 'Support: 2 of 3 · dots: 4', 'The plan has another use there: Lawn']
>>> provenance_lines(None, {}, "ru")
['Происхождение неизвестно']
"""

from __future__ import annotations

from collections.abc import Mapping

from codesign.analysis.compare import category_label
from codesign.domain.provenance import Provenance
from codesign.i18n import translate

__all__ = ["origin_text", "plan_text", "provenance_lines", "support_text"]


def origin_text(provenance: Provenance | None, lang: str) -> str:
    """Where the feature came from: the consensus, drawn in the room, edited in the room, unknown.

    Parameters
    ----------
    provenance : Provenance or None
        The feature's provenance.
    lang : str
        ``ru``, ``kk`` or ``en``.

    Returns
    -------
    str
        The words.
    """
    if provenance is None:
        return translate("provenance.unknown", lang)
    if provenance.origin == "room":
        return translate("provenance.room", lang)
    return translate("provenance.edited" if provenance.edited else "provenance.consensus", lang)


def support_text(provenance: Provenance, lang: str) -> str:
    """``2 of 3`` (the support k of N voices).

    Parameters
    ----------
    provenance : Provenance
        The feature's provenance (origin ``consensus``).
    lang : str
        ``ru``, ``kk`` or ``en``.

    Returns
    -------
    str
        The words.
    """
    return translate("report.k_of_n", lang, k=provenance.support, n=provenance.voices)


def plan_text(provenance: Provenance, lang: str) -> str:
    """Whether the plan has the same use there, in words (or that there was no plan).

    Parameters
    ----------
    provenance : Provenance
        The feature's provenance.
    lang : str
        ``ru``, ``kk`` or ``en``.

    Returns
    -------
    str
        The words.
    """
    if provenance.plan_same_use is None:
        return translate("provenance.no_plan", lang)
    if provenance.plan_same_use:
        return translate("provenance.plan_same", lang)
    if not provenance.plan_use:
        return translate("provenance.plan_lacks", lang)
    return translate("provenance.plan_other", lang, use=category_label(provenance.plan_use, lang))


def provenance_lines(provenance: Provenance | None, team_names: Mapping[str, str], lang: str) -> list[str]:
    """The provenance as short lines: origin, teams, support and dots, the plan.

    Parameters
    ----------
    provenance : Provenance or None
        The feature's provenance (None: a vision started before provenance was kept).
    team_names : Mapping of str to str
        Team id -> name (ids not in it are printed as they are).
    lang : str
        ``ru``, ``kk`` or ``en``.

    Returns
    -------
    list of str
        The lines (plain text: team names as the teams typed them).
    """
    lines = [origin_text(provenance, lang)]
    if provenance is None or provenance.origin == "room":
        return lines
    names = ", ".join(team_names.get(t, t) for t in provenance.teams) or "—"
    lines.append(translate("provenance.teams", lang, names=names))
    lines.append(translate("provenance.support", lang, support=support_text(provenance, lang), votes=provenance.votes))
    lines.append(plan_text(provenance, lang))
    return lines
