"""Small helpers both stores share: compact JSON, disk errors as store errors, telling a URL from a folder.

They live here so that :mod:`codesign.storage.base` (the protocol and the shared base) stays short;
``codesign.storage.base`` re-exports them.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import Any

from codesign.errors import StoreError

__all__ = ["compact_json", "is_database_url", "os_errors_as_store_errors", "store_error"]


def compact_json(data: Any) -> str:
    """Compact JSON, UTF-8 characters kept: the text both stores keep for a concept version.

    >>> compact_json({"title": "Жасыл аула", "version": 1})
    '{"title":"Жасыл аула","version":1}'

    Parameters
    ----------
    data
        Anything :func:`json.dumps` takes.

    Returns
    -------
    str
        The JSON text, without spaces.
    """
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def store_error(err: OSError) -> StoreError:
    """The :class:`~codesign.errors.StoreError` for a disk error, its reason in words.

    >>> store_error(OSError(28, "No space left on device")).params
    {'reason': 'No space left on device'}

    Parameters
    ----------
    err
        What the operating system raised.

    Returns
    -------
    StoreError
        ``save.failed`` with the reason.
    """
    return StoreError(reason=err.strerror or str(err))


@contextlib.contextmanager
def os_errors_as_store_errors() -> Iterator[None]:
    """Turn an :class:`OSError` raised inside the block into :func:`store_error`'s error.

    >>> with os_errors_as_store_errors():
    ...     open("/nonexistent/folder/file", "wb")
    Traceback (most recent call last):
    ...
    codesign.errors.StoreError: Could not save: No such file or directory

    Yields
    ------
    None
        Run the disk work inside the ``with`` block.
    """
    try:
        yield
    except OSError as err:
        raise store_error(err) from err


def is_database_url(location: str) -> bool:
    """Whether ``location`` names a PostgreSQL database rather than a sessions folder.

    >>> is_database_url("postgresql://codesign@db.local/codesign"), is_database_url("sessions")
    (True, False)

    Parameters
    ----------
    location
        A sessions folder or a database URL.

    Returns
    -------
    bool
        True for ``postgresql://`` and ``postgres://`` URLs.
    """
    return location.startswith(("postgresql://", "postgres://"))
