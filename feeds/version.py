"""The knowledge base's version: what a report names, known from the manifest before any record is built."""

from typing import NamedTuple


class FeedVersion(NamedTuple):
    """Identifies the exact feed a report used: content hash of all data files plus as-of date."""

    content_hash: str
    as_of: str

    @property
    def label(self) -> str:
        return f"{self.as_of}+{self.content_hash.removeprefix('sha256:')[:12]}"
