"""JAX translations of indexing (``aesara.tensor.subtensor``).

Slice bounds are static values (a slice's length is a shape); integer
indices and index arrays may be traced. Updates use JAX's functional
``x.at[index].set(y)`` / ``.add(y)``.

Differences from NumPy that JAX imposes: an out-of-bounds traced integer
index is clamped instead of raising, and a boolean mask must be known when
the graph is traced (its number of true entries is a shape).
"""

from __future__ import annotations

import numpy as np

from aesara.graph.type import Type
from aesara.link.jax.dispatch.basic import (
    DynamicLengthArray,
    jax_funcify,
    jax_static_inputs,
)
from aesara.tensor.subtensor import IncSubtensor, Subtensor, indices_from_subtensor
from aesara.tensor.subtensor_advanced import (
    AdvancedIncSubtensor,
    AdvancedIncSubtensor1,
    AdvancedSubtensor,
    AdvancedSubtensor1,
)
from aesara.tensor.type_other import MakeSlice, SliceType


def _jnp():
    import jax.numpy as jnp

    return jnp


def _slice_positions(idx_list, first: int) -> tuple:
    """Input positions of the symbolic slice parts of ``idx_list``."""
    positions = []
    pos = first

    def visit(e, in_slice):
        nonlocal pos
        if isinstance(e, slice):
            for p in (e.start, e.stop, e.step):
                visit(p, True)
        elif isinstance(e, Type):
            if in_slice:
                positions.append(pos)
            pos += 1

    for e in idx_list:
        visit(e, False)
    return tuple(positions)


@jax_static_inputs.register(Subtensor)
def _subtensor_static(op, node):
    return _slice_positions(op.idx_list, 1)


@jax_static_inputs.register(IncSubtensor)
def _inc_subtensor_static(op, node):
    return _slice_positions(op.idx_list, 2)


def _as_index(e):
    """An index entry as JAX takes it (static slices as Python ints)."""
    if isinstance(e, slice):
        return slice(
            *[None if p is None else int(p) for p in (e.start, e.stop, e.step)]
        )
    if isinstance(e, (np.integer, int)) and not isinstance(e, bool):
        return int(e)
    if isinstance(e, np.ndarray) and e.ndim == 0 and e.dtype.kind in "iu":
        return int(e)
    return e


@jax_funcify.register(Subtensor)
def jax_funcify_Subtensor(op, node=None, **kwargs):
    idx_list = op.idx_list

    def subtensor(x, *idx):
        index = tuple(_as_index(e) for e in indices_from_subtensor(idx, idx_list))
        if isinstance(x, DynamicLengthArray):
            # An integer index into a while-loop's trace, counted from the
            # trace's run-time length when negative.
            first = _jnp().asarray(index[0])
            first = _jnp().where(first < 0, first + x.length, first)
            return x.values[(first, *index[1:])]
        return x[index]

    return subtensor


def _static_window(shape: tuple, index: tuple):
    """``(starts, sizes, kept_axes)`` of ``index`` when it is a box of ``x``.

    A box is made of static integers and static slices of step 1: updating
    it is one ``dynamic_update_slice`` instead of a scatter, which XLA
    compiles and runs faster. ``None`` for any other index.
    """
    if len(index) > len(shape):
        return None
    starts, sizes, kept = [], [], []
    for axis, e in enumerate(index):
        n = shape[axis]
        if isinstance(e, int):
            if not -n <= e < n:
                return None
            starts.append(e + n if e < 0 else e)
            sizes.append(1)
        elif isinstance(e, slice) and all(
            p is None or isinstance(p, int) for p in (e.start, e.stop, e.step)
        ):
            start, stop, step = e.indices(n)
            if step != 1:
                return None
            starts.append(start)
            sizes.append(max(stop - start, 0))
            kept.append(axis)
        else:
            return None
    for axis in range(len(index), len(shape)):
        starts.append(0)
        sizes.append(shape[axis])
        kept.append(axis)
    return starts, sizes, kept


def _inc(x, index, y, set_instead_of_inc: bool):
    jnp = _jnp()
    x = jnp.asarray(x)
    y = jnp.asarray(y).astype(x.dtype)
    box = _static_window(x.shape, index if isinstance(index, tuple) else (index,))
    if box is not None:
        import jax

        starts, sizes, kept = box
        # ``y`` broadcasts against the indexed shape, which drops the axes
        # of integer indices; the update itself keeps them (of length 1).
        # (Checked for an empty box too: a wrong ``y`` is an error there.)
        y = jnp.broadcast_to(y, [sizes[a] for a in kept]).reshape(sizes)
        if 0 in sizes:
            return x
        if not set_instead_of_inc:
            y = jax.lax.dynamic_slice(x, starts, sizes) + y
        return jax.lax.dynamic_update_slice(x, y, starts)
    ref = x.at[index]
    return ref.set(y) if set_instead_of_inc else ref.add(y)


@jax_funcify.register(IncSubtensor)
def jax_funcify_IncSubtensor(op, node=None, **kwargs):
    idx_list = op.idx_list
    set_instead = op.set_instead_of_inc

    def inc_subtensor(x, y, *idx):
        index = tuple(_as_index(e) for e in indices_from_subtensor(idx, idx_list))
        return _inc(x, index, y, set_instead)

    return inc_subtensor


@jax_funcify.register(AdvancedSubtensor1)
def jax_funcify_AdvancedSubtensor1(op, node=None, **kwargs):
    def advanced_subtensor1(x, i):
        return x[i]

    return advanced_subtensor1


@jax_funcify.register(AdvancedIncSubtensor1)
def jax_funcify_AdvancedIncSubtensor1(op, node=None, **kwargs):
    set_instead = op.set_instead_of_inc

    def advanced_inc_subtensor1(x, y, i):
        return _inc(x, i, y, set_instead)

    return advanced_inc_subtensor1


def _slice_inputs(node, first: int) -> tuple:
    return tuple(
        k
        for k in range(first, len(node.inputs))
        if isinstance(node.inputs[k].type, SliceType)
    )


@jax_static_inputs.register(AdvancedSubtensor)
def _adv_subtensor_static(op, node):
    return _slice_inputs(node, 1)


@jax_static_inputs.register(AdvancedIncSubtensor)
def _adv_inc_subtensor_static(op, node):
    return _slice_inputs(node, 2)


@jax_funcify.register(AdvancedSubtensor)
def jax_funcify_AdvancedSubtensor(op, node=None, **kwargs):
    def advanced_subtensor(x, *index):
        return x[tuple(_as_index(e) for e in index)]

    return advanced_subtensor


@jax_funcify.register(AdvancedIncSubtensor)
def jax_funcify_AdvancedIncSubtensor(op, node=None, **kwargs):
    jnp = _jnp()
    set_instead = op.set_instead_of_inc
    ignore_duplicates = op.ignore_duplicates

    def advanced_inc_subtensor(x, y, *index):
        index = tuple(_as_index(e) for e in index)
        if ignore_duplicates and not set_instead:
            # ``x[index] += y``: each position gets one increment, however
            # many times the index names it.
            x = jnp.asarray(x)
            y = jnp.asarray(y).astype(x.dtype)
            return x.at[index].set(x[index] + y)
        return _inc(x, index, y, set_instead)

    return advanced_inc_subtensor


@jax_static_inputs.register(MakeSlice)
def _make_slice_static(op, node):
    return tuple(range(len(node.inputs)))


@jax_funcify.register(MakeSlice)
def jax_funcify_MakeSlice(op, node=None, **kwargs):
    def make_slice(*parts):
        return slice(*[None if p is None else int(p) for p in parts])

    return make_slice
