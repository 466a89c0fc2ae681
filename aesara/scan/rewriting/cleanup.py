"""Scan rewrites: cleanup (being written)."""
