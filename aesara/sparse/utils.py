"""Helpers for sparse values."""

from __future__ import annotations

from aesara.sparse.variable import hash_from_sparse

__all__ = ["hash_from_sparse"]
