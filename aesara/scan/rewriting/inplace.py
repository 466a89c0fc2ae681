"""Scan rewrites: inplace (being written)."""
