"""Experimental sparse code kept for compatibility with Aesara's ``aesara.sparse.sandbox``.

:mod:`.sp` builds image convolutions and max pooling out of sparse patch
matrices.
"""
