"""Values remembered per live geometry object: shapely geometries are immutable, so what is derived from
one (its WKB, the fact that it is a clean outline) holds as long as the object lives.

Keys are object identities, checked through a weak reference and dropped when the object is collected,
so nothing is hashed (a shapely geometry hashes its whole WKB) and memory stays bounded by the
geometries alive. Used where the same outline object passes many stages (a part's outline through
preparation, labels, the fit check and the sheet walk).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

import shapely


class ObjectMemo:
    """``make(obj)`` remembered per live object (by identity)."""

    def __init__(self) -> None:
        self._values: dict[int, tuple[weakref.ref, Any]] = {}

    def get(self, obj: Any, make: Callable[[Any], Any]) -> Any:
        """``make(obj)``, made once while ``obj`` lives."""
        key = id(obj)
        hit = self._values.get(key)
        if hit is not None and hit[0]() is obj:
            return hit[1]
        value = make(obj)
        values = self._values
        # the callback runs as ``obj`` dies, before its id can be reused by another object
        values[key] = (weakref.ref(obj, lambda _ref, key=key: values.pop(key, None)), value)
        return value

    def peek(self, obj: Any, default: Any = None) -> Any:
        """What is remembered for ``obj``, or ``default`` (nothing is made)."""
        hit = self._values.get(id(obj))
        return hit[1] if hit is not None and hit[0]() is obj else default

    def __len__(self) -> int:
        return len(self._values)


_WKB = ObjectMemo()


def wkb(geom) -> bytes:
    """``geom``'s WKB (what ``geom.wkb`` gives), made once per geometry object."""
    return _WKB.get(geom, shapely.to_wkb)
