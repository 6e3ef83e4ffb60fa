"""The knowledge base: sourced foreign-adversary entities, official lists, and a fast matching index."""

from feeds.errors import CslFormatError, FeedError, Problem
from feeds.feedset import FeedSet
from feeds.load import data_dir, inspect, load
from feeds.model import Entity, FeedVersion
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
