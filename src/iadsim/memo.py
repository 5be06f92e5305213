"""Values worked out from an object that is never changed in place, kept while the object
lives (`ByIdentity`): a geometry's Pd arrays checked once, a flyout's bracketing grid made
once. Keyed by the object's identity, since arrays cannot be hashed and hashing a frozen
spec's fields on every look-up would cost more than the value saves."""

from __future__ import annotations

import weakref
from typing import Generic, TypeVar

V = TypeVar("V")


class ByIdentity(dict, Generic[V]):
    """id(obj) -> (a weak reference to obj, its value). An entry goes when its object does
    (the reference's callback), so objects made anew in every replication leave nothing
    behind and need no cap, and a later object at the same address is never taken for it."""

    def value_for(self, obj: object) -> V | None:
        """The value kept for obj, or None."""
        got = self.get(id(obj))
        return got[1] if got is not None and got[0]() is obj else None

    def keep(self, obj: object, value: V) -> V:
        """Keep value for obj until obj is gone; returns value."""
        key = id(obj)
        self[key] = (weakref.ref(obj, lambda _, key=key: self.pop(key, None)), value)
        return value
