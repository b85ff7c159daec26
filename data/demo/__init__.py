"""Seeded demo raw files for the MEL, in the real published formats."""
