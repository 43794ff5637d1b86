"""The user-message type: a message key and its values, translated where it is shown.

>>> Notice("geometry.clipped_zone", {"area": 12}).key
'geometry.clipped_zone'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["Notice"]


@dataclass(frozen=True)
class Notice:
    """Something the user should be told about a shape: a message key and its values."""

    key: str
    params: Mapping[str, object] = field(default_factory=dict)
