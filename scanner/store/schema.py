"""The store's tables as of the newest schema version (docs/store.md describes every column)."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    ColumnElement,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    and_,
)

metadata = MetaData()


def _run_id(primary: bool = True) -> Column[int]:
    return Column(
        "run_id",
        Integer,
        ForeignKey("runs.id", ondelete="CASCADE"),
        primary_key=primary,
        nullable=False,
    )


schema_version = Table(
    "schema_version",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("applied", String(32), nullable=False),
    Column("about", Text, nullable=False),
)

# One row per recorded scan. Times are ISO-8601 UTC text ("2026-05-01T02:17:00Z"): they sort
# as text and read the same in both databases. JSON columns hold what no query filters on.
runs = Table(
    "runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(64), nullable=False, unique=True),
    Column("repository", Text, nullable=False),
    Column("revision", Text),
    Column("kind", String(16), nullable=False),
    Column("started", String(32), nullable=False),
    Column("finished", String(32), nullable=False),
    Column("recorded", String(32), nullable=False),
    Column("tool_version", Text, nullable=False),
    Column("feeds_version", Text, nullable=False),
    Column("feeds_hash", Text, nullable=False),
    Column("as_of", String(10)),
    Column("profile", String(32), nullable=False),
    Column("fail_on", String(16), nullable=False),
    Column("incomplete", Boolean, nullable=False),
    Column("components", Integer, nullable=False),
    Column("findings", Integer, nullable=False),
    Column("stages", Text, nullable=False),
    Column("inputs", Text, nullable=False),
    Column("issues", Text, nullable=False),
    Column("projects", Text, nullable=False),
    Column("project", Text, nullable=False),
    Column("acceptances", Text, nullable=False, server_default="[]"),
    Index("runs_repository_started", "repository", "started"),
)

components = Table(
    "components",
    metadata,
    _run_id(),
    Column("purl", Text, primary_key=True),
    Column("package", Text, nullable=False),
    Column("ecosystem", String(32), nullable=False),
    Column("namespace", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("version", Text),
    Column("data", Text, nullable=False),
    Index("components_package", "package"),
    Index("components_namespace", "ecosystem", "namespace"),
)

# Facts are content-addressed: a nightly scan that reads the same answer again adds only the
# link row, so a year of history does not hold 365 copies of every maintainer e-mail.
facts = Table(
    "facts",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("purl", Text, nullable=False),
    Column("kind", String(64), nullable=False),
    Column("value", Text, nullable=False),
    Column("source", String(64), nullable=False),
    Column("data", Text, nullable=False),
)

run_facts = Table(
    "run_facts",
    metadata,
    _run_id(),
    Column("fact_id", String(64), ForeignKey("facts.id"), primary_key=True),
)

statuses = Table(
    "statuses",
    metadata,
    _run_id(),
    Column("purl", Text, primary_key=True),
    Column("source", String(64), primary_key=True),
    Column("status", String(32), nullable=False),
    Column("reason", Text, nullable=False),
    Column("url", Text),
)

findings = Table(
    "findings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _run_id(primary=False),
    Column("identity", Text, nullable=False),
    Column("purl", Text, nullable=False),
    Column("package", Text, nullable=False),
    Column("check", String(64), nullable=False),
    Column("outcome", String(64), nullable=False),
    Column("tier", String(32), nullable=False),
    Column("severity", String(16), nullable=False),
    Column("entity", Text),
    Column("entity_name", Text),
    Column("jurisdiction", String(16)),
    Column("chain", Text, nullable=False),
    Column("waiver", Text),
    Column("data", Text, nullable=False),
    Column("accepted", Text),
    Index("findings_run", "run_id"),
    Index("findings_entity", "entity"),
)

waivers = Table(
    "waivers",
    metadata,
    _run_id(),
    Column("waiver_id", Text, primary_key=True),
    Column("purl", Text, nullable=False),
    Column("check", String(64), nullable=False),
    Column("state", String(16), nullable=False),
    Column("expires", String(10), nullable=False),
    Column("findings", Integer, nullable=False),
    Column("data", Text, nullable=False),
)

# Schema version 2: how many components stayed unknown, per reason (scanner.assess.coverage).
coverage = Table(
    "coverage",
    metadata,
    _run_id(),
    Column("reason", String(32), primary_key=True),
    Column("components", Integer, nullable=False),
)

# The tables of schema version 1, in creation order, and the columns later versions added.
VERSION_1 = (schema_version, runs, components, facts, run_facts, statuses, findings, waivers)
ADDED = {("runs", "acceptances"): 2, ("findings", "accepted"): 2}


def active() -> ColumnElement[bool]:
    """Findings that count: neither waived nor an accepted risk."""
    return and_(findings.c.waiver.is_(None), findings.c.accepted.is_(None))
