"""The knowledge base: sourced foreign-adversary entities, official lists, and a fast matching index."""

from typing import TYPE_CHECKING, Any

from feeds.errors import CslFormatError, FeedError, Problem
from feeds.feedset import FeedSet
from feeds.load import data_dir, inspect, load
from feeds.version import FeedVersion

if TYPE_CHECKING:
    from feeds.model import Entity
    from feeds.resolve import Match, Resolution, Step

__all__ = [
    "CslFormatError",
    "Entity",
    "FeedError",
    "FeedSet",
    "FeedVersion",
    "Match",
    "Problem",
    "Resolution",
    "Step",
    "data_dir",
    "inspect",
    "load",
]

# Imported when first named: a repeat scan whose findings are kept builds no record and
# resolves nothing (scanner/assess/kept.py).
_LATER = {
    "Entity": "feeds.model",
    "Match": "feeds.resolve",
    "Resolution": "feeds.resolve",
    "Step": "feeds.resolve",
}


def __getattr__(name: str) -> Any:
    module = _LATER.get(name)
    if module is None:
        raise AttributeError(f"module 'feeds' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
