"""Scan rewrites: pushout (being written)."""
