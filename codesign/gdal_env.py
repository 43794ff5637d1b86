"""GDAL's configuration for hostile uploads, set once before pyogrio is first imported.

Every uploaded file is hostile to the whole machine: GDAL picks a driver by content, and
some drivers read other files or URLs named inside the file (a VRT posing as ``plan.shp``
that points at ``CSV:/etc/passwd``, a GeoPackage with a VirtualOGR table, a KML style on a
web server). Importing :mod:`codesign` imports this module first, so the app, the CLI and
the tests all run GDAL like this:

- only the drivers the importer and the exports need are registered (:data:`ALLOWED_DRIVERS`);
  every other vector driver is skipped at registration (``GDAL_SKIP``), among them OGR_VRT,
  GDALG, CSV, HTTP, GML, MapInfo and SQLite, which can read other files, URLs or programs;
- no network: ``/vsicurl/`` and its relatives accept no file name; every other request GDAL
  makes (``CPLHTTPFetch``: a GeoJSON ``crs`` link, a CRS URL) is answered by a callback that
  refuses it without connecting; PROJ never downloads grids; ``.netrc`` is never read;
- no way out of the file in SQLite: no VirtualOGR from triggers and views, no external access
  from SQL functions, no extension loading;
- no user or system configuration file (``gdalrc``) and no plugin drivers can change this.

``GDAL_SKIP`` works only before GDAL registers its drivers, i.e. before ``pyogrio`` is first
imported. :func:`checked_pyogrio` refuses to hand pyogrio out if that was too late.

>>> "OGR_VRT" in ALLOWED_DRIVERS, "GPKG" in ALLOWED_DRIVERS
(False, True)
>>> os.environ["CPL_VSIL_CURL_ALLOWED_FILENAME"]
'/vsicurl/codesign-network-disabled.invalid'
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
from pathlib import Path
from types import ModuleType

__all__ = [
    "ALLOWED_DRIVERS",
    "GDAL_OPTIONS",
    "checked_pyogrio",
    "configure",
    "http_refused",
    "unexpected_drivers",
]

#: The drivers GDAL keeps: the importer's formats (:data:`codesign.io.FORMATS`) and GPKG for the export.
ALLOWED_DRIVERS = frozenset({"DXF", "ESRI Shapefile", "GPKG", "GeoJSON", "KML", "LIBKML", "OSM"})

#: Every other vector-capable driver of the GDAL that pyogrio 0.13 bundles (3.12), plus the raster
#: VRT and GTI, which also point at other files. A driver missing here would stay registered:
#: :func:`checked_pyogrio` refuses then (and a unit test fails), it never lets it through.
_SKIPPED_DRIVERS = (
    "ADBC",
    "AIVector",
    "AVCBin",
    "AVCE00",
    "AmigoCloud",
    "CSV",
    "CSW",
    "Carto",
    "DGN",
    "EDIGEO",
    "EEDA",
    "ESRIJSON",
    "Elasticsearch",
    "FlatGeobuf",
    "GDALG",
    "GML",
    "GPSBabel",
    "GPX",
    "GTFS",
    "GeoJSONSeq",
    "GeoRSS",
    "HTTP",
    "Idrisi",
    "JML",
    "JSONFG",
    "LVBAG",
    "MBTiles",
    "MEM",
    "MVT",
    "MapInfo File",
    "MapML",
    "MiraMonVector",
    "NGW",
    "OAPIF",
    "ODS",
    "OGCAPI",
    "OGR_GMT",
    "OGR_PDS",
    "OGR_VRT",
    "OpenFileGDB",
    "PCIDSK",
    "PDF",
    "PDS4",
    "PGDUMP",
    "PLSCENES",
    "PMTiles",
    "S57",
    "SQLite",
    "SXF",
    "Selafin",
    "TopoJSON",
    "VDV",
    "VFK",
    "VICAR",
    "WAsP",
    "WFS",
    "XLSX",
    "VRT",
    "GTI",
)

_NO_NETWORK = "codesign-network-disabled.invalid"

#: The options, as environment variables (read by GDAL and PROJ) and GDAL configuration options.
GDAL_OPTIONS: dict[str, str] = {
    # drivers: comma-separated, as some names hold spaces ("MapInfo File")
    "GDAL_SKIP": ",".join(_SKIPPED_DRIVERS),
    "GDAL_DRIVER_PATH": "disable",  # no plugin drivers from disk
    "GDAL_CONFIG_FILE": os.devnull,  # no gdalrc can override this (it could ignore the environment)
    # network: /vsicurl/ (and /vsis3/, /vsigs/... built on it) accepts one impossible name only
    "CPL_VSIL_CURL_ALLOWED_FILENAME": f"/vsicurl/{_NO_NETWORK}",
    "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": f".{_NO_NETWORK}",
    "GDAL_HTTP_TIMEOUT": "1",
    "GDAL_HTTP_CONNECTTIMEOUT": "1",
    "GDAL_HTTP_MAX_RETRY": "0",
    "GDAL_HTTP_NETRC": "NO",
    "GDAL_ALLOW_REMOTE_RESOURCE_TO_ACCESS_LOCAL_FILE": "NO",
    "CPL_ALLOW_VSISTDIN": "NO",
    "PROJ_NETWORK": "OFF",
    # SQLite inside a GeoPackage: no VirtualOGR, no gdal_get_pixel_value() on other files, no URIs
    "ALLOW_VIRTUAL_OGR_FROM_TRIGGER_AND_VIEW": "NO",
    "OGR_SQLITE_ALLOW_EXTERNAL_ACCESS": "NO",
    "OGR_SQLITE_STATIC_VIRTUAL_OGR": "NO",
    "OGR_SQLITE_LIST_VIRTUAL_OGR": "NO",
    "OGR_SQLITE_DIALECT_ALLOW_CREATE_VIRTUAL_TABLE": "NO",
    "SQLITE_USE_URI": "NO",
    # VRT code paths, even though the VRT drivers are skipped
    "GDAL_VRT_ENABLE_PYTHON": "NO",
    "GDAL_VRT_ENABLE_RAWRASTERBAND": "NO",
    # KML: never fetch styles from other documents
    "LIBKML_RESOLVE_STYLE": "NO",
}

#: Options that must not be set at all (each one would let a file load code or reach out).
_REMOVED = ("OGR_SQLITE_LOAD_EXTENSIONS", "GDAL_PYTHON_DRIVER_PATH", "GDAL_HTTP_PROXY", "GDAL_HTTPS_PROXY")

_checked: ModuleType | None = None


class _HTTPResult(ctypes.Structure):
    """GDAL's ``CPLHTTPResult`` (cpl_http.h)."""

    _fields_ = [
        ("nStatus", ctypes.c_int),
        ("pszContentType", ctypes.c_void_p),
        ("pszErrBuf", ctypes.c_void_p),
        ("nDataLen", ctypes.c_int),
        ("nDataAlloc", ctypes.c_int),
        ("pabyData", ctypes.c_void_p),
        ("papszHeaders", ctypes.c_void_p),
        ("nMimePartCount", ctypes.c_int),
        ("pasMimePart", ctypes.c_void_p),
    ]


#: ``CPLHTTPFetchCallbackFunc``: (url, options, progress, progress arg, write, write arg, user data).
_FETCH_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_void_p, *([ctypes.c_char_p] + [ctypes.c_void_p] * 6))
_refusal: object | None = None  # the installed callback, kept alive as long as the process


def _loaded_gdal(pyogrio: ModuleType) -> ctypes.CDLL | None:
    """The GDAL library pyogrio runs on (the very copy it loaded), or None if it cannot be found."""
    candidates: list[str] = []
    try:  # Linux: the copy in this process's memory map
        maps = Path("/proc/self/maps").read_text()
        candidates += sorted({line.split()[-1] for line in maps.splitlines() if "libgdal" in line.rsplit("/", 1)[-1]})
    except OSError:
        pass
    if pyogrio.__file__ is not None:
        package = Path(pyogrio.__file__).parent
        for folder in (package.parent / "pyogrio.libs", package / ".dylibs"):  # wheels bundle their GDAL here
            candidates += sorted(str(path) for path in folder.glob("*gdal*"))
    if found := ctypes.util.find_library("gdal"):
        candidates.append(found)
    for candidate in candidates:
        try:
            return ctypes.CDLL(candidate)
        except OSError:
            continue
    return None


def _refuse_http(pyogrio: ModuleType) -> bool:
    """Make every ``CPLHTTPFetch`` fail at once with an error, without a connection; True if installed.

    GDAL falls back to the network when the callback returns nothing, so it returns a result
    carrying an error (status 1, no data), allocated with GDAL's own allocator for GDAL to free.
    """
    global _refusal
    if _refusal is not None:
        return True
    gdal = _loaded_gdal(pyogrio)
    if gdal is None:
        return False
    gdal.CPLCalloc.restype = ctypes.c_void_p
    gdal.CPLCalloc.argtypes = [ctypes.c_size_t, ctypes.c_size_t]
    gdal.CPLStrdup.restype = ctypes.c_void_p
    gdal.CPLStrdup.argtypes = [ctypes.c_char_p]
    message = b"network access is disabled for uploads (codesign.gdal_env)"

    def refuse(_url: bytes, *_args: object) -> int:
        result = ctypes.cast(gdal.CPLCalloc(1, ctypes.sizeof(_HTTPResult)), ctypes.POINTER(_HTTPResult))
        result.contents.nStatus = 1
        result.contents.pszErrBuf = gdal.CPLStrdup(message)
        return ctypes.addressof(result.contents)

    callback = _FETCH_CALLBACK(refuse)
    gdal.CPLHTTPSetFetchCallback.argtypes = [_FETCH_CALLBACK, ctypes.c_void_p]
    gdal.CPLHTTPSetFetchCallback.restype = None
    gdal.CPLHTTPSetFetchCallback(callback, None)
    _refusal = callback
    return True


def http_refused() -> bool:
    """Whether GDAL's HTTP requests are refused in this process (after :func:`checked_pyogrio`).

    Returns
    -------
    bool
        True once the refusing callback is installed.
    """
    return _refusal is not None


def configure() -> None:
    """Put :data:`GDAL_OPTIONS` into the environment (``GDAL_SKIP`` counts only before pyogrio loads)."""
    for name in _REMOVED:
        os.environ.pop(name, None)
    os.environ.update(GDAL_OPTIONS)


def unexpected_drivers(pyogrio: ModuleType) -> set[str]:
    """The vector drivers GDAL has registered beyond :data:`ALLOWED_DRIVERS` (empty when safe).

    Parameters
    ----------
    pyogrio
        The imported pyogrio module.

    Returns
    -------
    set of str
        The drivers' short names.
    """
    return set(pyogrio.list_drivers()) - ALLOWED_DRIVERS


def checked_pyogrio() -> ModuleType:
    """pyogrio, once its GDAL is known to run with :data:`GDAL_OPTIONS` and only the allowed drivers.

    Returns
    -------
    ModuleType
        The pyogrio module, checked once a process.

    Raises
    ------
    ImportFormatError
        ``import.gdal_unsafe`` when pyogrio was imported before :mod:`codesign` (GDAL then
        registered every driver): imports are refused until the process is started the usual way.
    """
    global _checked
    if _checked is not None:
        return _checked
    import pyogrio

    runtime = {name: value for name, value in GDAL_OPTIONS.items() if name != "GDAL_SKIP"}
    pyogrio.set_gdal_config_options(runtime)
    _refuse_http(pyogrio)
    extra = unexpected_drivers(pyogrio)
    if extra:
        from codesign.errors import ImportFormatError

        raise ImportFormatError("import.gdal_unsafe", drivers=", ".join(sorted(extra))[:200])
    _checked = pyogrio
    return pyogrio


configure()
