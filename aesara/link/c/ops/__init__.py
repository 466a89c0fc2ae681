"""C translations of Ops, one module per family.

Every module here is imported by :mod:`aesara.link.c.registry` the first
time a C-linked function is built; each registers its translators with
:func:`aesara.link.c.registry.register_c_translation`.
"""
