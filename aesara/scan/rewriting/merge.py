"""Scan rewrites: merge (being written)."""
