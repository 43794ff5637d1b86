"""The small hierarchy of errors raised by :mod:`codesign`.

Every error carries a message *key* and its parameters, so a page can show it in the
user's language (``codesign.i18n.translate(err.key, lang, **err.params)``), and a
plain English ``str(err)`` for logs and the command line.

>>> err = SessionNotFound(session_id="nope")
>>> err.key, err.params
('error.session_not_found', {'session_id': 'nope'})
"""

from __future__ import annotations

__all__ = [
    "AccessDenied",
    "CodesignError",
    "ConfigurationError",
    "ImportFormatError",
    "InvalidConceptError",
    "InvalidGeometryError",
    "InvalidIdentifier",
    "PaperScanError",
    "SessionConflictError",
    "SessionNotFound",
    "SiteNotFound",
    "StoreError",
    "VoteRefused",
]


class CodesignError(Exception):
    """Base class: a problem the user can understand and fix.

    Parameters
    ----------
    key
        The message key (default: the class's ``key``).
    **params
        The message's parameters, kept in ``params``.
    """

    key = "error.generic"

    def __init__(self, key: str | None = None, **params: object) -> None:
        if key is not None:
            self.key = key
        self.params = params
        super().__init__(self._english())

    def _english(self) -> str:
        from codesign.i18n import translate

        try:
            return translate(self.key, "en", **self.params)
        except Exception:  # noqa: BLE001 - never fail while building an error
            return f"{self.key} {self.params}"


class InvalidGeometryError(CodesignError):
    """A drawn or imported shape cannot be used, even after repair."""

    key = "geometry.invalid"


class ImportFormatError(CodesignError):
    """An uploaded plan, concept or site file cannot be imported (format, CRS, limits...)."""

    key = "import.invalid"


class PaperScanError(CodesignError):
    """A photo of a paper sheet cannot be read (no markers, another session's sheet, blurred...)."""

    key = "paper.invalid"


class InvalidConceptError(CodesignError):
    """A concept file does not follow docs/concept-format.md."""

    key = "concept.invalid"


class InvalidIdentifier(CodesignError):
    """A session, site or team identifier is not of the strict form ``[a-z0-9-]``."""

    key = "error.bad_identifier"


class SiteNotFound(CodesignError):
    """No site folder under ``data/parks`` has that id."""

    key = "error.site_not_found"


class SessionNotFound(CodesignError):
    """No workshop session has that id."""

    key = "error.session_not_found"


class AccessDenied(CodesignError):
    """The token or secret does not allow this action."""

    key = "error.access_denied"


class ConfigurationError(CodesignError):
    """The app is set up in a way it refuses to run with (a weak secret, a broken settings file)."""

    key = "error.configuration"


class SessionConflictError(CodesignError):
    """A save was based on an older version than the latest stored one."""

    key = "save.conflict"


class VoteRefused(CodesignError):
    """A dot that the voting rules do not allow."""

    key = "votes.refused"


class StoreError(CodesignError):
    """The sessions folder could not be written (disk full, read-only, ...)."""

    key = "save.failed"
