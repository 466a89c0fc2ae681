"""Aesara's C code generators for ``Elemwise`` loops, kept by name only.

Aesara's ``Elemwise`` writes its C loops with these helpers
(``make_declare``, ``make_checks``, ``make_alloc``, ``make_loop``,
``make_reordered_loop``, ``make_loop_careduce``,
``compute_broadcast_dimensions``), filling templates with
``%(name)s``-style substitutions of its C op interface.

Our C backend generates element-wise and reduction kernels in another way
(one kernel per node signature, called from a runtime that handles the
broadcasting and the loop order): see
:func:`aesara.link.c.elemwise_codegen.elemwise_kernel` and
:func:`aesara.link.c.reduce_codegen.reduce_kernel`. The helpers here raise
``NotImplementedError`` naming those; they exist so that code importing them
fails at the call, with that explanation, rather than at import.
"""

from __future__ import annotations

from typing import Any, NoReturn

__all__ = [
    "compute_broadcast_dimensions",
    "make_alloc",
    "make_checks",
    "make_declare",
    "make_loop",
    "make_loop_careduce",
    "make_reordered_loop",
]


def _not_here(name: str) -> NoReturn:
    raise NotImplementedError(
        f"aesara.tensor.elemwise_cgen.{name}: aesara does not generate element-wise "
        "C loops from Aesara's templates; its C backend builds kernels with "
        "aesara.link.c.elemwise_codegen.elemwise_kernel (element-wise) and "
        "aesara.link.c.reduce_codegen.reduce_kernel (reductions)."
    )


def make_declare(loop_orders: Any, dtypes: Any, sub: Any) -> str:
    """Not available here; see the module docstring."""
    _not_here("make_declare")


def make_checks(loop_orders: Any, dtypes: Any, sub: Any) -> str:
    """Not available here; see the module docstring."""
    _not_here("make_checks")


def compute_broadcast_dimensions(array_name: str, loop_orders: Any, sub: Any) -> str:
    """Not available here; see the module docstring."""
    _not_here("compute_broadcast_dimensions")


def make_alloc(loop_orders: Any, dtype: Any, sub: Any, fortran: str = "0") -> str:
    """Not available here; see the module docstring."""
    _not_here("make_alloc")


def make_loop(
    loop_orders: Any, dtypes: Any, loop_tasks: Any, sub: Any, openmp: Any = None
) -> str:
    """Not available here; see the module docstring."""
    _not_here("make_loop")


def make_reordered_loop(
    init_loop_orders: Any,
    olv_index: Any,
    dtypes: Any,
    inner_task: Any,
    sub: Any,
    openmp: Any = None,
) -> str:
    """Not available here; see the module docstring."""
    _not_here("make_reordered_loop")


def make_loop_careduce(loop_orders: Any, dtypes: Any, loop_tasks: Any, sub: Any) -> str:
    """Not available here; see the module docstring."""
    _not_here("make_loop_careduce")
