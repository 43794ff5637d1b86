"""The ``check_failures`` GIS layer: where each saved concept fails a rule of the session's pack.

One row per piece of a failure's geometry (a zone, the part of a zone out of reach, a missed
entrance...), WGS84, with the owner, the rule (id, kind, titles in ru/kk/en, source), the
measured and required values in the rule's unit and the features at fault.
"""

from __future__ import annotations

import shapely

from codesign.analysis.session import SessionAnalysis
from codesign.export.rows import Row

__all__ = ["failure_rows"]


def failure_rows(analysis: SessionAnalysis) -> list[Row]:
    """The rows of the ``check_failures`` layer (empty without a rule pack or failures).

    Parameters
    ----------
    analysis : SessionAnalysis
        The session's analysis.

    Returns
    -------
    list of Row
        One row per geometry part of each failing rule, teams first, then the plan and the vision.
    """
    rows: list[Row] = []
    if analysis.rules is None:
        return rows
    frame = analysis.frame
    for owner, _ in analysis.concepts():
        report = analysis.norms.get(owner)
        for result in report.results if report is not None else ():
            if result.status != "fail" or result.where.is_empty:
                continue
            rule = result.rule
            for part in shapely.get_parts(result.where).tolist():
                rows.append(
                    {
                        "owner": owner,
                        "pack": analysis.rules.id,
                        "pack_illustrative": analysis.rules.illustrative,
                        "rule_id": rule.id,
                        "kind": rule.kind,
                        **{f"title_{lang}": rule.title[lang] for lang in ("ru", "kk", "en")},
                        "source": rule.source,
                        "measured": result.measured,
                        "required": result.required,
                        "unit": result.unit,
                        "features": ",".join(result.features),
                        "geometry": frame.to_lonlat(part),
                    }
                )
    return rows
