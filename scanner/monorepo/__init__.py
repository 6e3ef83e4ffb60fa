"""Monorepos: workspace declarations and the projects they group lockfiles into."""
