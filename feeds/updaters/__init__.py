"""Updaters: turn raw official downloads into feed snapshots (tested on saved raw inputs)."""
