"""A phone photo of a sheet: checked, its corner markers found, rectified to the sheet, its QR code read.

Uploads are hostile: only JPEG, PNG and WebP are decoded (their magic bytes are checked first),
and the pixel count is read from the header before any decoding (:data:`MAX_PHOTO_PIXELS`).
The four ArUco markers (:mod:`codesign.paper.layout`) give a homography from the photo to the
sheet; three are enough. The photo is then judged: the sheet must cover enough pixels
(:data:`MIN_PX_PER_UNIT`) and the markers' edges must be sharp (:data:`MAX_BLUR_MM`), each
refusal naming what to do. The sheet is resampled at :data:`RESOLUTION` pixels per sheet unit,
and the QR code is read from its own sharper cut-out.
"""

from __future__ import annotations

import io
import math
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from codesign.domain.paper import PAPER_SIZES, SheetCode, parse_sheet_code
from codesign.errors import PaperScanError
from codesign.paper.layout import CORNERS, PAGE, QR, marker_ids, marker_square, paper_factor

if TYPE_CHECKING:
    import cv2

__all__ = [
    "MAX_BLUR_MM",
    "MAX_PHOTO_BYTES",
    "MAX_PHOTO_PIXELS",
    "MIN_PHOTO_PIXELS",
    "MIN_PX_PER_UNIT",
    "RESOLUTION",
    "Rectified",
    "decode_photo",
    "rectify",
]

#: Largest photo file accepted (the app's upload limit too).
MAX_PHOTO_BYTES = 25 * 1024 * 1024
#: Most pixels decoded: a 50-megapixel phone photo; a bigger one could exhaust the memory.
MAX_PHOTO_PIXELS = 60_000_000
#: Fewest pixels: under about a megapixel the pen strokes are a pixel or two wide.
MIN_PHOTO_PIXELS = 900_000
#: Fewest photo pixels per sheet unit (mm of A4): an A4 sheet at least about 900 pixels wide.
MIN_PX_PER_UNIT = 3.0
#: Most blur accepted: the markers' edges smeared by more than this (Gaussian sigma, real mm).
MAX_BLUR_MM = 0.35
#: Pixels per sheet unit of the rectified sheet.
RESOLUTION = 6.0
_DETECT_SIDE = 2000  # markers are looked for on a copy this long at most
_MAGIC = {b"\xff\xd8\xff": "jpeg", b"\x89PNG\r\n\x1a\n": "png"}


@dataclass(frozen=True)
class Rectified:
    """The sheet cut out of a photo: what the scan reads next.

    ``sheet`` is the page at :data:`RESOLUTION` pixels per unit (BGR); ``code`` the QR code
    (None when it could not be read); ``blur_mm`` the markers' edge blur; ``px_per_unit`` the
    photo's resolution on the sheet; ``markers`` how many of the four were found.
    """

    paper: str
    sheet: np.ndarray
    code: SheetCode | None
    code_error: PaperScanError | None
    blur_mm: float
    px_per_unit: float
    markers: int


def _format(data: bytes) -> str:
    for magic, name in _MAGIC.items():
        if data.startswith(magic):
            return name
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftyphevc"):
        raise PaperScanError("paper.heic")
    raise PaperScanError("paper.not_a_photo")


def decode_photo(data: bytes) -> np.ndarray:
    """Decode an uploaded photo (JPEG, PNG or WebP) after checking its kind and size.

    Parameters
    ----------
    data
        The file's bytes.

    Returns
    -------
    numpy.ndarray
        The photo, H x W x 3, BGR (OpenCV's order).
    """
    import cv2
    from PIL import Image

    if len(data) > MAX_PHOTO_BYTES:
        raise PaperScanError("paper.file_too_big", mb=MAX_PHOTO_BYTES // (1024 * 1024))
    _format(data)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # refused below, with our message
            with Image.open(io.BytesIO(data)) as header:  # reads the header only
                width, height = header.size
    except Image.DecompressionBombError:  # over twice Pillow's own limit
        limit = MAX_PHOTO_PIXELS // 10**6
        raise PaperScanError(
            "paper.too_many_pixels", mp=round(2 * (Image.MAX_IMAGE_PIXELS or 0) / 1e6), limit=limit
        ) from None
    except Exception:  # noqa: BLE001 - any broken header: the same refusal
        raise PaperScanError("paper.not_a_photo") from None
    if width * height > MAX_PHOTO_PIXELS:
        raise PaperScanError("paper.too_many_pixels", mp=round(width * height / 1e6), limit=MAX_PHOTO_PIXELS // 10**6)
    if width * height < MIN_PHOTO_PIXELS:
        raise PaperScanError("paper.photo_too_small", width=width, height=height)
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if image is None or image.ndim != 3:
        raise PaperScanError("paper.not_a_photo")
    return np.asarray(image)


def _detector() -> cv2.aruco.ArucoDetector:
    import cv2

    params = cv2.aruco.DetectorParameters()
    params.cornerRefinementMethod = cv2.aruco.CORNER_REFINE_SUBPIX
    dictionary = cv2.aruco.getPredefinedDictionary(cv2.aruco.DICT_4X4_50)
    return cv2.aruco.ArucoDetector(dictionary, params)


def find_markers(grey: np.ndarray) -> tuple[str, dict[str, np.ndarray]]:
    """The sheet's corner markers in a grey photo: the paper size and each corner's four points.

    Parameters
    ----------
    grey
        The photo in grey levels.

    Returns
    -------
    tuple
        ``a4`` or ``a3``, and corner name -> 4 x 2 photo pixels (ArUco's corner order).
    """
    import cv2

    scale = min(1.0, _DETECT_SIDE / max(grey.shape))
    attempts = [scale, 1.0] if scale < 1.0 else [1.0]
    best: tuple[str, dict[str, np.ndarray]] = ("a4", {})
    for factor in attempts:
        small = grey if factor == 1.0 else cv2.resize(grey, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
        corners, ids, _ = _detector().detectMarkers(small)
        found: dict[int, np.ndarray] = {}
        for points, marker in zip(corners, [] if ids is None else ids.ravel(), strict=False):
            # pixel centres are whole numbers in both images: scale about the pixels' corner
            found[int(marker)] = (np.asarray(points, float).reshape(4, 2) + 0.5) / factor - 0.5
        for paper in PAPER_SIZES:
            named = {c: found[i] for c, i in marker_ids(paper).items() if i in found}
            if len(named) > len(best[1]):
                best = (paper, named)
        if len(best[1]) >= 3:
            break
    return best


def _homography(named: dict[str, np.ndarray]) -> np.ndarray:
    """Photo pixels -> sheet units, fitted to every found marker corner."""
    import cv2

    source = np.concatenate([named[c] for c in named]).astype(np.float32)
    target = np.concatenate([marker_square(c) for c in named]).astype(np.float32)
    matrix, _ = cv2.findHomography(source, target, cv2.RANSAC, 1.0)
    if matrix is None:
        raise PaperScanError("paper.no_markers", found=len(named))
    return np.asarray(matrix)


def _px_per_unit(to_sheet: np.ndarray, at: tuple[float, float]) -> float:
    """The photo's pixels per sheet unit around a point of the sheet (the square root of the area scale)."""
    import cv2

    to_photo = np.linalg.inv(to_sheet)
    x, y = at
    points = np.array([[[x, y]], [[x + 1, y]], [[x, y + 1]]], np.float32)
    p0, px, py = cv2.perspectiveTransform(points, to_photo).reshape(3, 2)
    (ax, ay), (bx, by) = px - p0, py - p0
    return math.sqrt(abs(float(ax * by - ay * bx)))


def _blur_mm(grey: np.ndarray, named: dict[str, np.ndarray], px_per_unit: float, k: float) -> float:
    """How smeared the markers' black-white edges are: a Gaussian's sigma, real mm (median of the markers).

    For an edge of contrast C blurred by a Gaussian of sigma s, the steepest slope is
    C / (s * sqrt(2 pi)); the slope is read with Sobel's operator (divided by its gain of 8).
    """
    import cv2

    sigmas = []
    for points in named.values():
        x0, y0 = np.floor(points.min(axis=0)).astype(int)
        x1, y1 = np.ceil(points.max(axis=0)).astype(int)
        crop = grey[max(0, y0) : y1 + 1, max(0, x0) : x1 + 1].astype(np.float32)
        if crop.shape[0] < 8 or crop.shape[1] < 8:
            continue
        gx = cv2.Sobel(crop, cv2.CV_32F, 1, 0, ksize=3) / 8
        gy = cv2.Sobel(crop, cv2.CV_32F, 0, 1, ksize=3) / 8
        slope = float(np.percentile(np.hypot(gx, gy), 99.5))
        contrast = float(np.percentile(crop, 95) - np.percentile(crop, 5))
        if slope > 0 and contrast > 20:
            sigmas.append(contrast / (slope * math.sqrt(2 * math.pi)))
    if not sigmas:
        return math.inf
    return float(np.median(sigmas)) / px_per_unit * k


def _warp(image: np.ndarray, to_sheet: np.ndarray, region: tuple[float, float, float, float], res: float) -> np.ndarray:
    """The part ``region`` (x0, y0, x1, y1 units) of the sheet at ``res`` pixels per unit."""
    import cv2

    x0, y0, x1, y1 = region
    # pixel (u, v) of the cut-out is the square of units [x0 + u / res, x0 + (u + 1) / res): its centre is at
    # x0 + (u + 0.5) / res, and OpenCV puts pixel centres on whole numbers
    to_pixels = np.array([[res, 0, -x0 * res - 0.5], [0, res, -y0 * res - 0.5], [0, 0, 1]], float)
    size = (round((x1 - x0) * res), round((y1 - y0) * res))
    return np.asarray(
        cv2.warpPerspective(image, to_pixels @ to_sheet, size, flags=cv2.INTER_LINEAR, borderValue=(255, 255, 255))
    )


def _reduced(image: np.ndarray, to_sheet: np.ndarray, px_per_unit: float) -> tuple[np.ndarray, np.ndarray]:
    """The photo shrunk (area-averaged) to about 1.3 times the rectified resolution, and its homography."""
    import cv2

    factor = 1.3 * RESOLUTION / px_per_unit
    if factor >= 0.8:
        return image, to_sheet
    small = cv2.resize(image, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    return np.asarray(small), to_sheet @ np.diag([1 / factor, 1 / factor, 1.0])


def read_code(image: np.ndarray, to_sheet: np.ndarray) -> str | None:
    """The text of the sheet's QR code, read from a sharp cut-out of its corner of the sheet.

    Parameters
    ----------
    image
        The photo (BGR).
    to_sheet
        Photo pixels -> sheet units.

    Returns
    -------
    str or None
        The decoded text, or None if no QR code could be read.
    """
    import cv2

    margin = 6.0
    region = (QR.x0 - margin, QR.y0 - margin, min(PAGE.x1, QR.x1 + margin), QR.y1 + margin)
    detector = cv2.QRCodeDetector()
    for res in (9.0, 6.0, 13.0):
        grey = cv2.cvtColor(_warp(image, to_sheet, region, res), cv2.COLOR_BGR2GRAY)
        for candidate in (grey, cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)[1]):
            text, _, _ = detector.detectAndDecode(candidate)
            if text:
                return str(text)
    return None


def rectify(image: np.ndarray) -> Rectified:
    """Find the sheet in a photo and cut it out; refuse a photo without markers, too small or blurred.

    Parameters
    ----------
    image
        The photo (BGR), as :func:`decode_photo` gives it.

    Returns
    -------
    Rectified
        The sheet at :data:`RESOLUTION` pixels per unit, its QR code, and how good the photo was.
    """
    import cv2

    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    paper, named = find_markers(grey)
    if len(named) < 3:
        raise PaperScanError("paper.no_markers", found=len(named))
    to_sheet = _homography(named)
    k = paper_factor(paper)
    centre = ((PAGE.x0 + PAGE.x1) / 2, (PAGE.y0 + PAGE.y1) / 2)
    resolution = _px_per_unit(to_sheet, centre)
    if resolution < MIN_PX_PER_UNIT:
        raise PaperScanError(
            "paper.sheet_too_small", width=round(resolution * PAGE.width), needed=round(MIN_PX_PER_UNIT * PAGE.width)
        )
    blur = _blur_mm(grey, named, resolution, k)
    if blur > MAX_BLUR_MM:
        raise PaperScanError("paper.blurred", blur=round(blur, 2), limit=MAX_BLUR_MM)
    text = read_code(image, to_sheet)
    code: SheetCode | None = None
    code_error: PaperScanError | None = None
    if text is None:
        code_error = PaperScanError("paper.qr_unreadable")
    else:
        try:
            code = parse_sheet_code(text)
        except PaperScanError as err:
            code_error = err
    small, small_to_sheet = _reduced(image, to_sheet, resolution)
    sheet = _warp(small, small_to_sheet, (PAGE.x0, PAGE.y0, PAGE.x1, PAGE.y1), RESOLUTION)
    if code is not None and code.paper != paper:
        code_error, code = PaperScanError("paper.bad_code"), None
    return Rectified(paper, sheet, code, code_error, blur, resolution, len(named))


def corners_found(named: dict[str, np.ndarray]) -> list[str]:
    """The corners found, in the sheet's order (for messages and tests).

    Parameters
    ----------
    named
        Corner name -> points, as :func:`find_markers` gives them.

    Returns
    -------
    list of str
        Corner names.
    """
    return [c for c in CORNERS if c in named]
