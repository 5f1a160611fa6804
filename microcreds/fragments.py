"""Rendered fragments kept under a digest of everything they show (``caches["fragments"]``,
settings): a changed value is a new key, so a fragment is never stale, only unused."""

import hashlib


def digest(shown) -> str:
    """A key for a fragment that shows ``shown``: plain values (str, numbers, None, dates, and
    lists, tuples and dicts of them), whose ``repr`` is what they are. Not model instances,
    whose ``repr`` leaves out their key."""
    return hashlib.sha256(repr(shown).encode()).hexdigest()
