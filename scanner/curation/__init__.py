"""Curation of the knowledge base: walk code hosts and registries from an entity, propose identifiers."""
