"""Safe unpacking of zip uploads (zipped shapefiles, KMZ) before GDAL reads them.

An archive is refused when a member name could escape the folder it is unpacked into, when
it would unpack to more than the limit (zip bombs: checked on the declared sizes *and* while
reading), or when it is encrypted. (XML is checked by :func:`codesign.io.census.xml_census`.)

>>> import io, zipfile
>>> buffer = io.BytesIO()
>>> with zipfile.ZipFile(buffer, "w") as archive:
...     archive.writestr("plan/zones.shp", b"...")
...     archive.writestr("__MACOSX/plan/._zones.shp", b"...")
>>> zip_member_names(buffer.getvalue(), ImportLimits())
[PurePosixPath('plan/zones.shp')]
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from codesign.errors import ImportFormatError
from codesign.io.model import ImportLimits

__all__ = ["MAX_ZIP_MEMBERS", "read_zip_member", "safe_member_name", "unpack_zip", "zip_member_names"]

#: Archives with more members than this are refused (a plan zip holds a handful).
MAX_ZIP_MEMBERS = 500
_CHUNK = 1024 * 1024
_DRIVE = re.compile(r"^[A-Za-z]:")


def safe_member_name(name: str) -> PurePosixPath | None:
    """The member's relative path, or None if it could escape the unpack folder.

    >>> safe_member_name("plan/zones.shp"), safe_member_name("../../etc/passwd"), safe_member_name("/abs.shp")
    (PurePosixPath('plan/zones.shp'), None, None)

    Parameters
    ----------
    name
        The member's name as the archive gives it.

    Returns
    -------
    PurePosixPath or None
        The relative path, or None.
    """
    cleaned = name.replace("\\", "/")
    if not cleaned or "\x00" in cleaned or cleaned.startswith("/") or _DRIVE.match(cleaned):
        return None
    path = PurePosixPath(cleaned)
    if any(part in ("..", "") for part in path.parts):
        return None
    return path


def _is_noise(path: PurePosixPath) -> bool:
    """MacOS resource forks and folders that zip tools add (``__MACOSX/``, ``._name``)."""
    return path.parts[0] == "__MACOSX" or path.name.startswith("._") or path.name == ".DS_Store"


def _open(data: bytes, limits: ImportLimits) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise ImportFormatError("import.bad_zip") from None
    members = archive.infolist()
    if len(members) > MAX_ZIP_MEMBERS:
        raise ImportFormatError("import.zip_too_many_files", count=len(members), limit=MAX_ZIP_MEMBERS)
    for info in members:
        if safe_member_name(info.filename) is None:
            raise ImportFormatError("import.zip_unsafe_path", name=info.filename[:80])
        if info.flag_bits & 0x1:
            raise ImportFormatError("import.zip_encrypted")
    declared = sum(info.file_size for info in members)
    if declared > limits.max_unzipped_bytes:
        raise ImportFormatError("import.zip_too_large", limit=limits.max_unzipped_bytes // (1024 * 1024))
    return archive


def zip_member_names(data: bytes, limits: ImportLimits) -> list[PurePosixPath]:
    """The archive's file names (checked, noise such as ``__MACOSX/`` left out).

    Parameters
    ----------
    data
        The zip archive.
    limits
        The archive is refused past ``max_unzipped_bytes`` (declared) or with too many members.

    Returns
    -------
    list of PurePosixPath
        The members' relative paths, folders left out.
    """
    with _open(data, limits) as archive:
        names = [safe_member_name(info.filename) for info in archive.infolist() if not info.is_dir()]
    return [name for name in names if name is not None and not _is_noise(name)]


def unpack_zip(data: bytes, limits: ImportLimits, dest: Path, suffixes: tuple[str, ...]) -> list[Path]:
    """Unpack the members whose names end in ``suffixes`` under ``dest``, never more than the limit.

    Parameters
    ----------
    data
        The zip archive.
    limits
        ``max_unzipped_bytes`` bounds the members unpacked, all together.
    dest
        The folder to unpack into (the members' folders are created in it).
    suffixes
        Lower-case name endings of the members wanted, e.g. ``(".shp", ".dbf")``.

    Returns
    -------
    list of Path
        The files written.
    """
    written: list[Path] = []
    total = 0
    with _open(data, limits) as archive:
        for info in archive.infolist():
            name = safe_member_name(info.filename)
            if info.is_dir() or name is None or _is_noise(name) or not name.name.lower().endswith(suffixes):
                continue
            target = dest.joinpath(*name.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                with open(target, "wb") as sink:
                    total += _copy_member(archive, info, sink, limits, already=total)
            except OSError:
                raise ImportFormatError("import.bad_zip") from None
            written.append(target)
    return written


def read_zip_member(data: bytes, limits: ImportLimits, member: PurePosixPath) -> bytes:
    """One member's bytes, read with the same size limit.

    Parameters
    ----------
    data
        The zip archive.
    limits
        ``max_unzipped_bytes`` bounds the member's size.
    member
        The member's name, as :func:`zip_member_names` gives it.

    Returns
    -------
    bytes
        The member's content.
    """
    with _open(data, limits) as archive:
        for info in archive.infolist():
            if safe_member_name(info.filename) == member:
                sink = io.BytesIO()
                _copy_member(archive, info, sink, limits)
                return sink.getvalue()
    raise ImportFormatError("import.bad_zip")


def _copy_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, sink: BinaryIO, limits: ImportLimits, already: int = 0
) -> int:
    """Copy one member into ``sink`` chunk by chunk; returns its size.

    Refused the moment ``already`` plus what was read passes ``limits.max_unzipped_bytes`` (the
    sizes a zip declares may lie); a damaged member, or a sink that cannot be written, is ``bad_zip``.
    """
    size = 0
    try:
        with archive.open(info) as source:
            while chunk := source.read(_CHUNK):
                size += len(chunk)
                if already + size > limits.max_unzipped_bytes:
                    raise ImportFormatError("import.zip_too_large", limit=limits.max_unzipped_bytes // (1024 * 1024))
                sink.write(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError, OSError):
        raise ImportFormatError("import.bad_zip") from None
    return size
