"""Helpers for random variables: size and parameter broadcasting, and
:class:`RandomStream`, a factory of random variables with managed state."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import wraps
from typing import Any

import numpy as np

from aesara.compile.sharedvalue import shared
from aesara.graph.basic import Constant, Variable

__all__ = [
    "RandomStream",
    "broadcast_params",
    "normalize_size_param",
    "params_broadcast_shapes",
]


def _tensor():
    # Imported lazily: aesara.tensor imports this package.
    import aesara.tensor as at

    return at


def normalize_size_param(size: Any) -> Variable:
    """Turn a ``size`` argument into a symbolic int64 vector.

    ``None`` (and ``()``) become an empty vector, meaning "the shape the
    parameters broadcast to"; an int, or a 0-d integer variable, becomes a
    length-1 vector; a tuple or list of ints/0-d integer variables, or an
    integer vector, is used as is.

    Raises
    ------
    TypeError
        When ``size`` is not integer-valued or has more than one dimension.
    ValueError
        When a constant entry is negative.
    """
    at = _tensor()
    if size is None or (isinstance(size, (tuple, list)) and len(size) == 0):
        return at.constant(np.empty((0,), dtype="int64"), name="size")
    if isinstance(size, (int, np.integer)) and not isinstance(size, bool):
        size = (size,)
    if isinstance(size, (tuple, list)):
        parts = []
        for i, s in enumerate(size):
            if isinstance(s, (bool, np.bool_)) or not (
                isinstance(s, (int, np.integer, Variable))
            ):
                raise TypeError(
                    f"size entries must be integers, got {s!r} "
                    f"({type(s).__name__}) at position {i}"
                )
            parts.append(s)
        if all(not isinstance(s, Variable) for s in parts):
            size = np.asarray(parts, dtype="int64")
        else:
            parts_v = []
            for i, s in enumerate(parts):
                v = at.as_tensor_variable(s)
                if v.type.ndim != 0 or v.type.dtype not in at.type.integer_dtypes:
                    raise TypeError(
                        f"size entry {i} must be a 0-d integer, got {v.type}"
                    )
                parts_v.append(at.cast(v, "int64"))
            size = at.stack(parts_v)
    size = at.as_tensor_variable(size)
    if size.type.ndim == 0:
        # A single symbolic integer is a one-entry size, as in Aesara.
        if isinstance(size, Constant):
            size = at.constant(np.asarray(size.data).reshape(1))
        else:
            size = size.dimshuffle("x")
    if size.type.ndim != 1:
        raise TypeError(
            f"size must be None, an int or a vector of ints; got a {size.type.ndim}-d "
            f"value ({size.type})"
        )
    if size.type.dtype not in at.type.integer_dtypes:
        raise TypeError(f"size must hold integers, got dtype {size.type.dtype}")
    if isinstance(size, Constant) and np.any(np.asarray(size.data) < 0):
        raise ValueError(f"size entries must be non-negative, got {size.data.tolist()}")
    if size.type.dtype != "int64":
        if isinstance(size, Constant):
            # Stay a constant: the draws keep a static shape.
            size = at.constant(np.asarray(size.data).astype("int64"), name="size")
        else:
            size = at.cast(size, "int64")
    return size


def _static_dim(d: Any) -> int | None:
    if isinstance(d, (int, np.integer)):
        return int(d)
    if isinstance(d, Constant):
        return int(np.asarray(d.data))
    return None


def params_broadcast_shapes(
    param_shapes: Sequence[Sequence[Any]],
    ndims_params: Sequence[int],
    use_aesara: bool = True,
) -> list[tuple]:
    """Broadcast the batch parts of parameter shapes, keeping their core parts.

    Parameters
    ----------
    param_shapes
        One shape per parameter (tuples of ints or 0-d integer variables).
    ndims_params
        Number of core (support) dimensions of each parameter.
    use_aesara
        Compute with symbolic operations (needed when entries are symbolic);
        otherwise with NumPy integers.

    Returns
    -------
    The shape each parameter has once broadcast against the others.
    """
    if len(param_shapes) != len(ndims_params):
        raise ValueError(
            f"Got {len(param_shapes)} parameter shapes but {len(ndims_params)} ndims"
        )
    batches = [tuple(s)[: len(s) - nd] for s, nd in zip(param_shapes, ndims_params)]
    cores = [tuple(s)[len(s) - nd :] for s, nd in zip(param_shapes, ndims_params)]
    if use_aesara:
        from aesara.tensor.extra_ops import broadcast_shape

        bshape = broadcast_shape(*batches, arrays_are_shapes=True) if batches else ()
    else:
        bshape = np.broadcast_shapes(*[tuple(int(d) for d in b) for b in batches])
    return [tuple(bshape) + tuple(c) for c in cores]


def broadcast_params(params: Sequence[Any], ndims_params: Sequence[int]) -> list:
    """Broadcast the batch dimensions of the parameters against each other.

    Works on NumPy arrays (returning read-only views) or on symbolic
    variables (returning ``broadcast_to`` graphs).
    """
    if len(params) != len(ndims_params):
        raise ValueError(f"Got {len(params)} parameters but {len(ndims_params)} ndims")
    if all(not isinstance(p, Variable) for p in params):
        arrs = [np.asarray(p) for p in params]
        shapes = params_broadcast_shapes(
            [a.shape for a in arrs], ndims_params, use_aesara=False
        )
        return [np.broadcast_to(a, s) for a, s in zip(arrs, shapes)]
    at = _tensor()
    from aesara.tensor.extra_ops import broadcast_to

    tens = [at.as_tensor_variable(p) for p in params]
    shapes = params_broadcast_shapes(
        [tuple(t.shape[i] for i in range(t.ndim)) for t in tens], ndims_params
    )
    out = []
    for t, s in zip(tens, shapes):
        if len(s) == t.ndim and all(
            _static_dim(d) is not None and _static_dim(d) == st
            for d, st in zip(s, t.type.shape)
        ):
            out.append(t)
        else:
            out.append(broadcast_to(t, s))
    return out


class RandomStream:
    """A factory of random variables that owns their generators.

    ``srng.normal(0, 1, size=3)`` (any name of
    :mod:`aesara.tensor.random.basic`) builds the random variable on a new
    shared generator whose ``default_update`` is the advanced generator, so a
    compiled function draws new numbers at each call.

    Parameters
    ----------
    seed
        Seed of the sequence the generators' seeds are drawn from.
    namespace
        Module to look distributions up in (default:
        :mod:`aesara.tensor.random.basic`).
    rng_ctor
        Constructor of generators from an integer seed
        (``numpy.random.default_rng`` or ``numpy.random.RandomState``).
    """

    def __init__(
        self,
        seed: int | None = None,
        namespace: Any = None,
        rng_ctor: Callable[[Any], Any] = np.random.default_rng,
    ):
        if namespace is None:
            from aesara.tensor.random import basic

            self.namespaces = [basic]
        else:
            self.namespaces = [namespace]
        self.default_instance_seed = seed
        self.state_updates: list[tuple[Variable, Variable]] = []
        self.gen_seedgen = np.random.SeedSequence(seed)
        if isinstance(rng_ctor, type) and issubclass(rng_ctor, np.random.RandomState):
            # RandomState takes no SeedSequence, its bit generator does.
            ctor = rng_ctor

            def rng_ctor(seed):  # noqa: F811 - wraps the class given
                return ctor(np.random.MT19937(seed))

        self.rng_ctor = rng_ctor

    def __getattr__(self, attr: str):
        if attr.startswith("_") or attr in ("namespaces", "rng_ctor", "state_updates"):
            raise AttributeError(attr)
        from aesara.tensor.random.op import RandomVariable

        for ns in self.namespaces:
            op = getattr(ns, attr, None)
            if isinstance(op, RandomVariable):

                @wraps(op.__call__)
                def draw(*args, _op=op, **kwargs):
                    return self.gen(_op, *args, **kwargs)

                return draw
        raise AttributeError(
            f"No random variable named {attr!r} in "
            f"{[getattr(ns, '__name__', ns) for ns in self.namespaces]}"
        )

    def updates(self) -> list[tuple[Variable, Variable]]:
        """The ``(shared generator, advanced generator)`` pairs made so far."""
        return list(self.state_updates)

    def seed(self, seed: int | None = None) -> None:
        """Reseed every generator made so far (reproducibly for a given seed).

        Parameters
        ----------
        seed
            New seed; ``None`` reuses the one given at construction.
        """
        if seed is None:
            seed = self.default_instance_seed
        self.gen_seedgen = np.random.SeedSequence(seed)
        children = self.gen_seedgen.spawn(len(self.state_updates))
        for (old_r, _), child in zip(self.state_updates, children):
            old_r.set_value(self.rng_ctor(child), borrow=True)

    def gen(self, op: Any, *args, **kwargs) -> Variable:
        """Draw from ``op`` with a new shared generator managed by this stream.

        Parameters
        ----------
        op
            A :class:`~aesara.tensor.random.op.RandomVariable`.
        *args, **kwargs
            Its parameters (``size``, ``name``, ``dtype``...); ``rng`` may
            not be given.
        """
        if "rng" in kwargs:
            raise ValueError(
                "RandomStream manages the generators itself; do not pass rng"
            )
        # One child of the seed sequence per generator, in creation order,
        # so that reseeding reproduces the same generators; the child itself
        # seeds the generator, which gives the streams Aesara gives.
        child = self.gen_seedgen.spawn(1)[0]
        rng = shared(self.rng_ctor(child), borrow=True)
        rng.tag.is_rng = True
        out = op(*args, rng=rng, **kwargs)
        new_rng = out.owner.outputs[0]
        out.rng = rng
        out.update = (rng, new_rng)
        rng.default_update = new_rng
        self.state_updates.append((rng, new_rng))
        return out
