"""The pen colours on a rectified sheet, separated from the paper, the grey map and black writing.

The map is printed in grey, so whatever has colour on the photo is ink. Light is uneven on a
phone photo (a gradient across the sheet, a hand's shadow, a warm lamp), so each pixel is first
divided by the paper's own colour around it: the brightest uncoloured pixels within a few
millimetres, smoothed (:func:`paper_white`). In CIE Lab the result's chroma says ink or not
(:data:`MIN_CHROMA`), its hue which pen (:data:`HUES`); black and grey, the printed map and the
handwriting, have almost no chroma and drop out. Each connected stroke takes the colour most of
its pixels have, so a stroke's anti-aliased edge never splits off as another colour.
"""

from __future__ import annotations

import numpy as np

from codesign.domain.paper import PEN_COLOURS

__all__ = ["HUES", "MIN_CHROMA", "ink_masks", "normalised", "paper_white"]

#: Each pen colour's hue in CIE Lab (degrees), after the paper is made white: typical felt-tip pens.
HUES = {"red": 27.0, "orange": 62.0, "green": 150.0, "blue": 287.0, "purple": 320.0}
#: Least chroma (CIE Lab) of ink; paper, the grey map and black ink have under about 8.
MIN_CHROMA = 20.0
_CELL = 4  # the paper's colour is estimated on blocks of this many pixels


def paper_white(image: np.ndarray, coloured: np.ndarray, window: int) -> np.ndarray:
    """The colour the paper has under each pixel's light, from the brightest uncoloured pixels around it.

    Parameters
    ----------
    image
        The sheet, float32 BGR in 0..1.
    coloured
        Pixels to leave out (likely ink), as booleans.
    window
        Pixels searched around each one (a few millimetres).

    Returns
    -------
    numpy.ndarray
        float32 BGR, the same size, smooth.
    """
    import cv2

    height, width = image.shape[:2]
    masked = np.where(coloured[..., None], 0, image).astype(np.float32)
    small = cv2.resize(masked, (max(1, width // _CELL), max(1, height // _CELL)), interpolation=cv2.INTER_AREA)
    reach = max(3, window // _CELL) | 1
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (reach, reach))
    white = cv2.dilate(small, kernel)
    square = np.ones((3, 3), np.uint8)
    for _ in range(max(small.shape)):  # inside a large coloured area: spread the paper's colour in from its edge
        empty = white.max(axis=2) <= 0.05
        if not empty.any():
            break
        white = np.where(empty[..., None], cv2.dilate(white, square), white)
    white = cv2.GaussianBlur(white, (0, 0), reach / 2)
    return np.asarray(cv2.resize(white, (width, height), interpolation=cv2.INTER_LINEAR))


def normalised(sheet: np.ndarray, window: int) -> np.ndarray:
    """The sheet in CIE Lab with the paper made white wherever the light falls.

    Parameters
    ----------
    sheet
        The rectified sheet (uint8 BGR).
    window
        Pixels searched around each for the paper's colour.

    Returns
    -------
    numpy.ndarray
        float32 Lab (L 0..100, a and b about -128..127).
    """
    import cv2

    image = sheet.astype(np.float32) / 255
    gains = np.percentile(image.reshape(-1, 3), 90, axis=0)
    balanced = np.clip(image / np.maximum(gains, 0.05), 0, 1)
    rough = cv2.cvtColor(balanced, cv2.COLOR_BGR2Lab)
    coloured = np.hypot(rough[..., 1], rough[..., 2]) > MIN_CHROMA * 0.6
    white = paper_white(balanced, coloured, window)
    even = np.clip(balanced / np.maximum(white, 0.05), 0, 1)
    return np.asarray(cv2.cvtColor(even, cv2.COLOR_BGR2Lab))


def _classify(lab: np.ndarray) -> np.ndarray:
    """Each pixel's pen colour: an index into :data:`PEN_COLOURS`, or -1 for no ink."""
    a, b = lab[..., 1], lab[..., 2]
    chroma = np.hypot(a, b)
    hue = np.degrees(np.arctan2(b, a)) % 360
    centres = np.array([HUES[c] for c in PEN_COLOURS])
    distance = np.abs((hue[..., None] - centres + 180) % 360 - 180)
    labels = np.argmin(distance, axis=-1).astype(np.int16)
    labels[chroma < MIN_CHROMA] = -1
    return labels


def _by_stroke(labels: np.ndarray) -> np.ndarray:
    """Give each connected stroke the colour of most of its pixels, where one colour has at least 70 %."""
    import cv2

    ink = (labels >= 0).astype(np.uint8)
    count, components = cv2.connectedComponents(ink, connectivity=8)
    if count <= 1:
        return labels
    votes = np.zeros((count, len(PEN_COLOURS)), np.int64)
    inked = labels >= 0
    np.add.at(votes, (components[inked].astype(np.intp), labels[inked].astype(np.intp)), 1)
    totals = votes.sum(axis=1)
    winner = votes.argmax(axis=1)
    clear = votes.max(axis=1) >= 0.7 * np.maximum(totals, 1)
    relabel = np.where(clear, winner, -2)
    out = relabel[components]
    keep = (out == -2) | ~inked
    return np.where(keep, labels, out).astype(np.int16)


def ink_masks(sheet: np.ndarray, window: int) -> dict[str, np.ndarray]:
    """One mask per pen colour (uint8, 255 where that ink is) for a rectified piece of a sheet.

    Parameters
    ----------
    sheet
        The rectified map (uint8 BGR).
    window
        Pixels searched around each for the paper's colour (a few millimetres).

    Returns
    -------
    dict
        Colour -> mask, for every colour in :data:`PEN_COLOURS` (empty ones included).
    """
    labels = _by_stroke(_classify(normalised(sheet, window)))
    return {colour: np.where(labels == i, 255, 0).astype(np.uint8) for i, colour in enumerate(PEN_COLOURS)}
