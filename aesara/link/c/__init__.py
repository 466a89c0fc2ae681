"""Placeholder for the C backend.

The C code generator, ``CLinker``/``OpWiseCLinker`` and the ``cvm`` loop
belong to the C backend issue and do not exist yet. Until then the linker
names ``"c"``, ``"c|py"`` and ``"cvm"`` resolve to the Python
:class:`aesara.link.vm.VMLinker`, which runs every op through its
``perform`` method.
"""
