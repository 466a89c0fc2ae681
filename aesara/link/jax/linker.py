"""``JAXLinker``: a whole graph compiled as one ``jax.jit`` function.

The graph is translated op by op (:mod:`aesara.link.jax.dispatch`) into
one Python function, which ``jax.jit`` compiles; a call converts the
inputs, runs the compiled function and converts the outputs back to NumPy
arrays, so a function compiled with ``mode="JAX"`` is used like any other.

* Inputs whose values decide shapes (see
  :func:`aesara.link.jax.dispatch.basic.static_variables`) are static
  arguments of ``jax.jit``: a new value compiles the graph again.
* Random generators (``numpy.random.Generator``/``RandomState`` values of
  shared variables) enter as JAX PRNG keys drawn from the generator; the
  advanced keys a graph returns come back as new generators seeded by them,
  so a shared generator that is updated draws new values on every call.
* ``CheckAndRaise``/``Assert`` nodes are enforced with
  ``jax.experimental.checkify``; a failed check raises the op's exception.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from aesara.link.basic import Container, JITLinker, offer_c_call_path
from aesara.link.utils import map_storage

__all__ = ["JAXLinker"]


class _StaticValue:
    """A NumPy value made hashable, to be a static argument of ``jax.jit``."""

    __slots__ = ("value", "_key")

    def __init__(self, value: Any):
        arr = np.asarray(value)
        self.value = arr
        self._key = (arr.dtype.str, arr.shape, arr.tobytes())

    def __hash__(self):
        return hash(self._key)

    def __eq__(self, other):
        return isinstance(other, _StaticValue) and self._key == other._key

    def __repr__(self):
        return f"StaticValue({self.value!r})"


def rng_to_key(rng: Any) -> np.ndarray:
    """A raw JAX PRNG key (``uint32[2]``) drawn from a copy of ``rng``.

    ``rng`` itself is left untouched: the graph's updated generator (if the
    function returns one) is built from the advanced key instead.
    """
    if isinstance(rng, np.random.Generator):
        bit_gen = type(rng.bit_generator)()
        bit_gen.state = rng.bit_generator.state
        return np.random.Generator(bit_gen).integers(0, 2**32, size=2, dtype=np.uint32)
    if isinstance(rng, np.random.RandomState):
        copy = np.random.RandomState()
        copy.set_state(rng.get_state())
        return copy.randint(0, 2**32, size=2, dtype=np.uint32)
    raise TypeError(
        f"Expected a numpy.random.Generator or RandomState, got {type(rng).__name__}"
    )


def key_to_rng(key: Any, like: type) -> Any:
    """A NumPy generator of kind ``like`` seeded by the JAX key ``key``."""
    seed = [int(k) for k in np.asarray(key).ravel()]
    if like is np.random.RandomState:
        return np.random.RandomState(np.random.MT19937(seed))
    return np.random.Generator(np.random.PCG64(seed))


def _has_checks(order) -> bool:
    from aesara.link.jax.dispatch.basic import graph_needs_checks

    return graph_needs_checks(order)


class JAXLinker(JITLinker):
    """Compile the whole graph with ``jax.jit`` (the ``"jax"`` linker)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._compiled = None

    def accept(self, fgraph, no_recycling=None, profile=None):
        if self.fgraph is not None and self.fgraph is not fgraph:
            return type(self)(allow_gc=self._allow_gc, schedule=self._scheduler).accept(
                fgraph, no_recycling, profile
            )
        if self.fgraph is not fgraph:
            self._compiled = None
        return super().accept(fgraph, no_recycling, profile)

    def clone(self, allow_gc=None):
        new = super().clone(allow_gc=allow_gc)
        new._compiled = None
        return new

    def __getstate__(self):
        # Compiled JAX functions do not pickle: an unpickled linker compiles
        # again when it is used.
        state = super().__getstate__()
        state["_compiled"] = None
        return state

    # -- translation ---------------------------------------------------------------

    def fgraph_convert(self, fgraph, order, *args, **kwargs):
        """The plain Python/JAX function of the graph, and its static inputs."""
        from aesara.link.jax.dispatch.basic import (
            check_static_inputs,
            fgraph_to_jax,
            static_requirements,
        )

        needed = static_requirements(fgraph, order)
        static_pos = tuple(check_static_inputs(fgraph, needed))
        fn = fgraph_to_jax(fgraph, order=order, static=set(needed))
        return fn, static_pos

    def _compile(self, order):
        import jax

        from aesara.link.jax.dispatch import basic as jax_basic  # noqa: F401
        from aesara.tensor.random.type import RandomType

        fgraph = self.fgraph
        fn, static_pos = self.fgraph_convert(fgraph, order)
        checked = _has_checks(order)
        inner = fn
        if checked:
            from jax.experimental import checkify

            inner = checkify.checkify(fn)

        if static_pos:
            static_set = frozenset(static_pos)

            def entry(*args):
                return inner(
                    *[a.value if k in static_set else a for k, a in enumerate(args)]
                )

            jitted = jax.jit(entry, static_argnums=static_pos)
        else:
            jitted = jax.jit(inner)
        rng_in = tuple(
            k for k, v in enumerate(fgraph.inputs) if isinstance(v.type, RandomType)
        )
        rng_out = {
            k: v for k, v in enumerate(fgraph.outputs) if isinstance(v.type, RandomType)
        }
        updates = set((getattr(fgraph, "update_mapping", None) or {}).keys())
        self._compiled = (fgraph, fn, jitted, static_pos, rng_in, rng_out, updates)
        return self._compiled

    @property
    def jax_fn(self):
        """The plain (not jitted) JAX function of the bound graph."""
        if self._compiled is None:
            self._compile(self.schedule(self.fgraph))
        return self._compiled[1]

    # -- thunk -----------------------------------------------------------------------

    def make_all(
        self, input_storage=None, output_storage=None, storage_map=None, **kwargs
    ):
        if self.fgraph is None:
            raise ValueError("JAXLinker.make_all called before accept(fgraph)")
        from aesara.link.jax.dispatch.basic import raise_check

        fgraph = self.fgraph
        order = self.schedule(fgraph)
        input_storage, output_storage, storage_map = map_storage(
            fgraph, order, input_storage, output_storage, storage_map
        )
        compiled = self._compiled
        if compiled is None or compiled[0] is not fgraph:
            compiled = self._compile(order)
        _, fn, jitted, static_pos, rng_in, rng_out, updates = compiled
        checked = _has_checks(order)
        in_cells = [storage_map[v] for v in fgraph.inputs]
        out_cells = [storage_map[v] for v in fgraph.outputs]
        plain_outs = [
            k
            for k in range(len(fgraph.outputs))
            if k not in rng_out and k not in updates
        ]
        special_outs = [
            k for k in range(len(fgraph.outputs)) if k in rng_out or k in updates
        ]
        rng_kinds: dict = {}

        def convert_inputs():
            args = [cell[0] for cell in in_cells]
            for k in rng_in:
                rng = args[k]
                rng_kinds[k] = type(rng)
                args[k] = rng_to_key(rng)
            for k in static_pos:
                args[k] = _StaticValue(args[k])
            return args

        if checked:
            from jax.experimental import checkify

            def run(args):
                err, outs = jitted(*args)
                try:
                    err.throw()
                except checkify.JaxRuntimeError as e:
                    raise_check(str(e))
                    raise
                return outs

        else:

            def run(args):
                return jitted(*args)

        rng_like = {}
        if rng_out:
            # The kind of generator to give back, from the input it updates
            # (a Generator unless that input held a RandomState).
            mapping = getattr(fgraph, "update_mapping", None) or {}
            for k in rng_out:
                rng_like[k] = mapping.get(k)

        asarray = np.asarray

        def thunk():
            args = (
                convert_inputs()
                if (rng_in or static_pos)
                else [cell[0] for cell in in_cells]
            )
            outs = run(args)
            for k in plain_outs:
                out_cells[k][0] = asarray(outs[k])
            for k in special_outs:
                value = outs[k]
                if k in rng_out:
                    src = rng_like.get(k)
                    kind = rng_kinds.get(src, np.random.Generator)
                    out_cells[k][0] = key_to_rng(value, kind)
                else:
                    # Updated state is kept in a writable NumPy array, as the
                    # other modes leave it.
                    out_cells[k][0] = np.array(value)

        thunk.inputs = in_cells
        thunk.outputs = out_cells
        thunk.lazy = False

        def f():
            thunk()

        f.allow_gc = False
        f.storage_map = storage_map
        f.jitted = jitted
        f.jax_fn = fn
        f.thunks = [thunk]
        offer_c_call_path(f)
        return (
            f,
            [Container(v, cell) for v, cell in zip(fgraph.inputs, input_storage)],
            [
                Container(v, cell, readonly=True)
                for v, cell in zip(fgraph.outputs, output_storage)
            ],
            [thunk],
            order,
        )
