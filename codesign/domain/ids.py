"""Strict identifiers for sessions, sites and teams: no path can hide in them.

>>> check_identifier("aksu-city-square", "site")
'aksu-city-square'
>>> check_identifier("../etc", "session")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
codesign.errors.InvalidIdentifier: The session id '../etc' is not valid: ...
"""

from __future__ import annotations

import re

from codesign.errors import InvalidIdentifier

__all__ = ["IDENTIFIER", "check_identifier"]

IDENTIFIER = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$")


def check_identifier(value: object, what: str) -> str:
    """Return ``value`` if it is a valid identifier, else raise :class:`InvalidIdentifier`.

    Parameters
    ----------
    value
        What to check (anything: only a string of 3 to 64 ``[a-z0-9-]`` passes).
    what
        What the identifier names (``session``, ``site``, ``team``), for the message.

    Returns
    -------
    str
        ``value`` itself.
    """
    if not isinstance(value, str) or not IDENTIFIER.fullmatch(value):
        shown = repr(value if not isinstance(value, str) else value[:80])
        raise InvalidIdentifier(what=what, value=shown)
    return value
