"""The C backend.

Element-wise nodes (including fused ``Composite`` ones) are compiled into
small C kernels (:mod:`aesara.link.c.elemwise_codegen`) run by the C
runtime (:mod:`aesara.link.c.runtime`); :class:`CVMLinker` wires them into
compiled functions with a loop written in C and a C call path. The linker
names ``"cvm"``, ``"c"``, ``"c|py"`` and their ``_nogc`` variants use it;
without a working compiler it runs the Python VM and warns once.
"""

from aesara.link.c.linker import CLinker, CVMLinker, OpWiseCLinker

__all__ = ["CLinker", "CVMLinker", "OpWiseCLinker"]
