"""Problems found in feed data, and the exception that carries them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """One thing wrong with the data: which file, which record, which field, and what."""

    file: str
    record: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.record is not None:
            where += f": record {self.record}"
        if self.field:
            where += f": field {self.field}"
        return f"{where}: {self.message}"


class FeedError(Exception):
    """The feed cannot be used as it is; ``problems`` lists every reason found."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        shown = "\n  ".join(str(p) for p in self.problems[:10])
        more = len(self.problems) - 10
        tail = f"\n  ... and {more} more (run `icts-scan feeds verify`)" if more > 0 else ""
        super().__init__(f"feed data is invalid:\n  {shown}{tail}")


class CslFormatError(ValueError):
    """A Consolidated Screening List download that is not in the documented format."""
