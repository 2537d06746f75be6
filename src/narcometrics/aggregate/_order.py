"""The sorted order of group labels: strings by code point, missing (None) last.

The order of a categorical's labels (an immutable object array) is computed once and
cached, with the sorted labels themselves, so grouping again by the same categorical
neither sorts nor gathers its labels again.
"""

from __future__ import annotations

import weakref
from typing import Any, TypeAlias

import numpy as np
from numpy.typing import NDArray

Levels: TypeAlias = NDArray[Any]  # int64 (calendar fields) or object (str, then None)

#: Per immutable object level array (by id): its ranks and its levels in sorted order.
_RANKED: dict[int, tuple[weakref.ref[Any], NDArray[np.intp], Levels]] = {}


def _string_order(items: list[Any]) -> NDArray[np.intp]:
    """Stable order of distinct strings, by code point (Python's order)."""
    try:
        widest = max(map(len, items), default=0)
        if 0 < widest * len(items) <= 1 << 26 and "\x00" not in "".join(items):
            # numpy's fixed-width strings (4 bytes a character, as wide as the longest: at
            # most 256 MiB here) compare by code point, like Python's str, except for
            # trailing NULs (dropped), excluded above
            return np.argsort(np.array(items, dtype=str), kind="stable")
    except TypeError:  # pragma: no cover (a label that is not a str)
        pass
    return np.array(sorted(range(len(items)), key=items.__getitem__), dtype=np.intp)


def _order(levels: Levels) -> NDArray[np.intp]:
    """The order that sorts levels (strings alphabetically, None last)."""
    if levels.dtype != object:
        return np.argsort(levels, kind="stable")
    items = levels.tolist()
    none = [i for i, item in enumerate(items) if item is None]
    if not none:
        return _string_order(items)
    missing = set(none)
    present = [i for i in range(len(items)) if i not in missing]
    inner = _string_order([items[i] for i in present])
    return np.concatenate(
        [np.asarray(present, dtype=np.intp)[inner], np.asarray(none, dtype=np.intp)]
    )


def ranked(levels: Levels) -> tuple[NDArray[np.intp], Levels]:
    """Per level its position in sorted order, and the levels sorted.

    Cached for a read-only object array (a categorical's labels, immutable) of more than
    1,000 levels, as long as that array lives.
    """
    cached = _RANKED.get(id(levels)) if levels.dtype == object else None
    if cached is not None and cached[0]() is levels:
        return cached[1], cached[2]
    order = _order(levels)
    ranks = np.empty(len(levels), dtype=np.intp)
    ranks[order] = np.arange(len(levels))
    ordered = levels[order]
    if levels.dtype == object and not levels.flags.writeable and len(levels) > 1000:
        key = id(levels)
        ordered.flags.writeable = False
        _RANKED[key] = (weakref.ref(levels, lambda _: _RANKED.pop(key, None)), ranks, ordered)
    return ranks, ordered


def sort_levels(levels: Levels) -> tuple[Levels, NDArray[np.intp]]:
    """Sorted levels (strings alphabetically, None last) and the map old index -> new."""
    ranks, ordered = ranked(levels)
    return ordered, ranks


def sorting_order(values: NDArray[np.intp], bound: int) -> NDArray[np.intp]:
    """The order that sorts distinct integers ``0 <= values < bound``: by placing each at
    its value (linear) when ``bound`` is not much more than their number, else a sort."""
    if bound > 4 * len(values) + (1 << 16):
        return np.argsort(values)  # distinct: any sort gives the one order (and is faster)
    place = np.full(bound, -1, dtype=np.intp)
    place[values] = np.arange(len(values))
    order = place[place >= 0]
    if len(order) != len(values):  # pragma: no cover (repeated values: sort them all)
        return np.argsort(values, kind="stable")
    return order
