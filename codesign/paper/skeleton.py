"""A stroke's middle line: Zhang-Suen thinning and the skeleton's longest path (numpy only).

>>> stroke = np.zeros((7, 20), np.uint8)
>>> stroke[2:5, 2:18] = 1
>>> path = longest_path(thin(stroke))
>>> int(path[0][1]), int(path[-1][1]), {int(r) for r, _ in path}
(3, 15, {3})
"""

from __future__ import annotations

from collections import deque

import numpy as np

__all__ = ["longest_path", "thin"]

_STEPS = ((-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1))


def thin(binary: np.ndarray) -> np.ndarray:
    """Zhang and Suen's thinning (1984): a binary shape reduced to lines one pixel wide.

    Parameters
    ----------
    binary
        The shape: non-zero pixels; its border row and column should be empty.

    Returns
    -------
    numpy.ndarray
        Booleans, the skeleton.
    """
    image = np.pad(binary > 0, 1).astype(np.uint8)
    while True:
        changed = False
        for step in (0, 1):
            p = image
            n = [
                np.roll(np.roll(p, -dr, 0), -dc, 1)
                for dr, dc in ((-1, 0), (-1, 1), (0, 1), (1, 1), (1, 0), (1, -1), (0, -1), (-1, -1))
            ]
            p2, p3, p4, p5, p6, p7, p8, p9 = n
            neighbours = sum(n)
            ring = [p2, p3, p4, p5, p6, p7, p8, p9, p2]
            transitions = sum(((ring[i] == 0) & (ring[i + 1] == 1)).astype(np.uint8) for i in range(8))
            cond = (
                ((p2 * p4 * p6 == 0) & (p4 * p6 * p8 == 0))
                if step == 0
                else ((p2 * p4 * p8 == 0) & (p2 * p6 * p8 == 0))
            )
            remove = (p == 1) & (neighbours >= 2) & (neighbours <= 6) & (transitions == 1) & cond
            if remove.any():
                image = image & ~remove.astype(np.uint8) & 1
                changed = True
        if not changed:
            return image[1:-1, 1:-1].astype(bool)


def _farthest(start: int, pixels: np.ndarray, index: dict[tuple[int, int], int]) -> tuple[int, list[int]]:
    """Breadth-first from ``start`` over 8-connected pixels: the farthest one and each pixel's parent."""
    parent = [-1] * len(pixels)
    seen = [False] * len(pixels)
    seen[start] = True
    queue = deque([start])
    last = start
    while queue:
        last = queue.popleft()
        r, c = pixels[last]
        for dr, dc in _STEPS:
            neighbour = index.get((int(r) + dr, int(c) + dc))
            if neighbour is not None and not seen[neighbour]:
                seen[neighbour] = True
                parent[neighbour] = last
                queue.append(neighbour)
    return last, parent


def longest_path(skeleton: np.ndarray) -> np.ndarray:
    """The longest path through a skeleton (the end to end of its largest piece), as (row, col) pixels.

    Parameters
    ----------
    skeleton
        Booleans, lines one pixel wide.

    Returns
    -------
    numpy.ndarray
        N x 2 (row, column), from one end to the other; empty when there is no skeleton.
    """
    pixels = np.argwhere(skeleton)
    if len(pixels) == 0:
        return np.empty((0, 2), int)
    index = {(int(r), int(c)): i for i, (r, c) in enumerate(pixels)}
    end, _ = _farthest(0, pixels, index)
    other, parent = _farthest(end, pixels, index)
    path = [other]
    while parent[path[-1]] != -1:
        path.append(parent[path[-1]])
    return np.asarray(pixels[path])
