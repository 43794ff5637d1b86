"""The room's reasons for the differences between a concept and the plan.

During the discussion the facilitator records, for each difference the comparison lists (a plan
zone replaced, dropped or moved, a use the plan lacks added), why the residents want it: quick
choices (:data:`REASON_CHOICES`) and their own words. A difference is named by
:func:`difference_key` (``replaced:lawn:playground``: the plan's lawn replaced by a playground),
which stays the same while the shapes are redrawn and the areas change; the comparison's
sentence is kept with the reason, so the report can still say what it was about.

>>> sentence = Notice("compare.sentence.replaced", {"plan": "lawn", "concept": "playground", "area": 310.0})
>>> key = difference_key(sentence)
>>> key, asked_categories(key)
('replaced:lawn:playground', ('playground',))
>>> reasons = record_reason((), Reason("team-1", key, ("children", "safety"), "Детям негде играть", sentence))
>>> [r.choices for r in reasons]
[('safety', 'children')]
>>> record_reason(reasons, Reason("team-1", key, ()))  # nothing chosen, no words: the reason is cleared
()
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from codesign.domain.ids import check_identifier
from codesign.domain.notices import Notice
from codesign.errors import CodesignError, InvalidIdentifier

__all__ = [
    "DIFFERENCE_KINDS",
    "MAX_REASONS",
    "MAX_REASON_TEXT",
    "REASON_CHOICES",
    "Reason",
    "Reasons",
    "asked_categories",
    "choice_labels",
    "difference_key",
    "reasons_for",
    "reasons_from_json",
    "reasons_to_json",
    "record_reason",
]

#: The quick choices, in the order the form shows them.
REASON_CHOICES = ("safety", "noise", "shade", "children", "elderly", "accessibility", "cost", "other")
#: The differences a reason can be given for (the comparison's sentences but "kept").
DIFFERENCE_KINDS = ("replaced", "dropped", "moved", "added")
#: The residents' own words, at most this many characters.
MAX_REASON_TEXT = 500
#: A session keeps at most this many reasons.
MAX_REASONS = 500
_DIFFERENCE = re.compile(r"^(replaced|dropped|moved|added):([a-z_]{0,40}):([a-z_]{0,40})$")
_SENTENCE_PREFIX = "compare.sentence."


@dataclass(frozen=True)
class Reason:
    """Why the room wants one difference of one concept (a team's or the joint vision) from the plan."""

    owner: str
    difference: str  # difference_key(...)
    choices: tuple[str, ...]  # of REASON_CHOICES, in their order
    text: str = ""
    #: The comparison's sentence when it was recorded (its key and values: categories, m²).
    notice: Notice | None = field(default=None, compare=False)
    recorded_at: str = field(default="", compare=False)


#: A session's reasons, in the order they were recorded.
Reasons = tuple[Reason, ...]


def difference_key(notice: Notice) -> str | None:
    """The name of the difference a comparison sentence states; None for "kept" (not a difference).

    Parameters
    ----------
    notice
        A sentence of :meth:`codesign.analysis.compare.Comparison.sentences`.

    Returns
    -------
    str or None
        ``kind:plan category:concept category`` (a missing side left empty).
    """
    if not notice.key.startswith(_SENTENCE_PREFIX):
        return None
    kind = notice.key.removeprefix(_SENTENCE_PREFIX)
    if kind not in DIFFERENCE_KINDS:
        return None
    return f"{kind}:{notice.params.get('plan', '')}:{notice.params.get('concept', '')}"


def asked_categories(difference: str) -> tuple[str, ...]:
    """The uses residents ask for by a difference: what replaced the plan's, what they added or moved.

    Parameters
    ----------
    difference
        A :func:`difference_key`.

    Returns
    -------
    tuple of str
        Zone categories (none for a plan zone dropped).
    """
    match = _DIFFERENCE.match(difference)
    if match is None:
        return ()
    kind, plan, concept = match.groups()
    asked = {"replaced": concept, "added": concept, "moved": plan}.get(kind, "")
    return (asked,) if asked else ()


def record_reason(reasons: Sequence[Reason], reason: Reason) -> tuple[Reason, ...]:
    """The reasons with this one recorded (replacing the owner's earlier one for the same difference).

    A reason with no choice and no words clears the earlier one. Refused (``reasons.invalid``): an
    unknown choice, an unknown difference, words over :data:`MAX_REASON_TEXT`, more than
    :data:`MAX_REASONS` reasons.

    Parameters
    ----------
    reasons
        The session's reasons so far.
    reason
        The new reason.

    Returns
    -------
    tuple of Reason
        The reasons, the new one last; its choices in the order of :data:`REASON_CHOICES`.
    """
    _check(reason)
    others = tuple(r for r in reasons if (r.owner, r.difference) != (reason.owner, reason.difference))
    text = reason.text.strip()
    if not reason.choices and not text:
        return others
    if len(others) >= MAX_REASONS:
        raise CodesignError("reasons.too_many", limit=MAX_REASONS)
    ordered = tuple(c for c in REASON_CHOICES if c in reason.choices)
    return (*others, Reason(reason.owner, reason.difference, ordered, text, reason.notice, reason.recorded_at))


def _check(reason: Reason) -> None:
    try:
        check_identifier(reason.owner, "team")
    except InvalidIdentifier:
        raise CodesignError("reasons.invalid", field="owner") from None
    if not _DIFFERENCE.match(reason.difference):
        raise CodesignError("reasons.invalid", field="difference")
    if any(c not in REASON_CHOICES for c in reason.choices):
        raise CodesignError("reasons.invalid", field="choices")
    if not isinstance(reason.text, str) or len(reason.text.strip()) > MAX_REASON_TEXT:
        raise CodesignError("reasons.too_long", limit=MAX_REASON_TEXT)


def choice_labels(choices: Sequence[str], lang: str) -> str:
    """The quick choices in words, joined: ``children, safety``.

    >>> choice_labels(("safety", "children"), "ru")
    'безопасность, дети'

    Parameters
    ----------
    choices
        Of :data:`REASON_CHOICES`.
    lang
        ``ru``, ``kk`` or ``en``.

    Returns
    -------
    str
        The labels, comma-separated.
    """
    from codesign.i18n import translate

    return ", ".join(translate(f"reason.{choice}", lang) for choice in choices)


def reasons_for(reasons: Sequence[Reason], owner: str) -> dict[str, Reason]:
    """One owner's reasons by difference.

    Parameters
    ----------
    reasons
        The session's reasons.
    owner
        A team id or ``vision``.

    Returns
    -------
    dict of str to Reason
        Difference key -> its reason.
    """
    return {r.difference: r for r in reasons if r.owner == owner}


def reasons_to_json(reasons: Sequence[Reason]) -> dict[str, Any]:
    """The document a store keeps.

    Parameters
    ----------
    reasons
        The session's reasons.

    Returns
    -------
    dict
        What :func:`reasons_from_json` reads back.
    """
    return {
        "reasons": [
            {
                "owner": r.owner,
                "difference": r.difference,
                "choices": list(r.choices),
                "text": r.text,
                "notice": None if r.notice is None else {"key": r.notice.key, "params": dict(r.notice.params)},
                "recorded_at": r.recorded_at,
            }
            for r in reasons
        ]
    }


def reasons_from_json(document: Any) -> tuple[Reason, ...]:
    """Read what :func:`reasons_to_json` wrote; entries that do not read are left out.

    Parameters
    ----------
    document
        The stored document, or None.

    Returns
    -------
    tuple of Reason
        The reasons, in the order they were recorded.
    """
    if not isinstance(document, Mapping) or not isinstance(document.get("reasons"), list):
        return ()
    found: list[Reason] = []
    for entry in document["reasons"][:MAX_REASONS]:
        reason = _reason(entry)
        if reason is not None:
            found.append(reason)
    return tuple(found)


def _reason(entry: Any) -> Reason | None:
    if not isinstance(entry, Mapping):
        return None
    choices, text = entry.get("choices"), entry.get("text")
    reason = Reason(
        owner=str(entry.get("owner", "")),
        difference=str(entry.get("difference", "")),
        choices=tuple(str(c) for c in choices) if isinstance(choices, list) else (),
        text=text if isinstance(text, str) else "",
        notice=_notice(entry.get("notice")),
        recorded_at=str(entry.get("recorded_at") or "")[:40],
    )
    try:
        _check(reason)
    except CodesignError:
        return None
    return reason


def _notice(value: Any) -> Notice | None:
    """A stored comparison sentence: its key and plain values (category ids, numbers)."""
    if not isinstance(value, Mapping) or not str(value.get("key", "")).startswith(_SENTENCE_PREFIX):
        return None
    params = value.get("params")
    if not isinstance(params, Mapping) or len(json.dumps(params, default=str)) > 2000:
        return None
    plain = {str(k): v for k, v in params.items() if isinstance(v, str | int | float) and not isinstance(v, bool)}
    return Notice(str(value["key"])[:60], plain)
