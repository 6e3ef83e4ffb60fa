"""Dependency paths: for a transitive component, the chains from a direct dependency down to it."""

from __future__ import annotations

from collections import defaultdict, deque

from sbom.model import Inventory


class PathFinder:
    """Shortest paths over the inventory graph, from the project's direct dependencies."""

    def __init__(self, inventory: Inventory, limit: int = 3) -> None:
        self.limit = limit
        self._parents: dict[str, list[str]] = defaultdict(list)
        roots = {c.purl for c in inventory.components if c.direct}
        for rel in inventory.relationships:
            if rel.source:
                self._parents[rel.target].append(rel.source)
            else:
                roots.add(rel.target)
        self._roots = roots

    def paths(self, purl: str) -> tuple[tuple[str, ...], ...]:
        """Up to ``limit`` shortest chains ``direct → … → purl``; () for direct or unknown ones."""
        if purl in self._roots:
            return ()
        # Breadth-first upward from the component; the first roots reached give the shortest paths.
        found: list[tuple[str, ...]] = []
        queue: deque[tuple[str, ...]] = deque([(purl,)])
        seen = {purl}
        while queue and len(found) < self.limit:
            chain = queue.popleft()
            for parent in self._parents.get(chain[0], ()):
                if parent in seen:
                    continue
                seen.add(parent)
                longer = (parent, *chain)
                if parent in self._roots:
                    found.append(longer)
                    if len(found) >= self.limit:
                        break
                else:
                    queue.append(longer)
        return tuple(found)
