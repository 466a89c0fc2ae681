"""Scan rewrites: memory (being written)."""
