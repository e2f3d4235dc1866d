"""Curated seed data shipped with the toolkit (reference events, bases, regions, coca zones)."""
