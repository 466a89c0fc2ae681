"""The :class:`RandomVariable` op: a draw from a distribution.

A node ``rv(rng, size, dtype, *params)`` has two outputs: the generator
advanced past the draw (``outputs[0]``) and the draw itself (``outputs[1]``,
the default output). Unless the op is in-place, ``perform`` draws from a copy
of the input generator, so the input's value is never changed and graphs stay
pure; :func:`~aesara.tensor.random.rewriting.basic.random_make_inplace` swaps
in the in-place version when the graph allows it.

Shapes: the draw's shape is ``size + support_shape`` when ``size`` is given,
else the broadcast of the parameters' batch shapes followed by the support
shape (the trailing ``ndim_supp`` dimensions, read from a parameter).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from aesara.compile.sharedvalue import shared
from aesara.configdefaults import config
from aesara.graph.basic import Apply, Constant, Variable
from aesara.graph.op import Op
from aesara.tensor.random.type import RandomType
from aesara.tensor.random.utils import normalize_size_param
from aesara.tensor.type import TensorType, all_dtypes
from aesara.tensor.type_other import NoneTypeT

__all__ = ["RandomVariable", "default_supp_shape_from_params"]


def _at():
    import aesara.tensor as at

    return at


def default_supp_shape_from_params(
    ndim_supp: int,
    dist_params: Sequence[Variable],
    rep_param_idx: int = 0,
    param_shapes: Sequence[Sequence[Any]] | None = None,
) -> tuple:
    """Support shape read from the trailing dimensions of one parameter.

    Parameters
    ----------
    ndim_supp
        Number of support dimensions (must be positive).
    dist_params
        The distribution's parameters.
    rep_param_idx
        Index of the parameter whose last ``ndim_supp`` dimensions give the
        support shape.
    param_shapes
        Shapes of the parameters, when already known (e.g. in ``infer_shape``).
    """
    if ndim_supp <= 0:
        raise ValueError(f"ndim_supp must be positive, got {ndim_supp}")
    param = dist_params[rep_param_idx]
    if param_shapes is not None:
        shape = tuple(param_shapes[rep_param_idx])
        return shape[len(shape) - ndim_supp :]
    at = _at()
    param = at.as_tensor_variable(param)
    return tuple(param.shape[i] for i in range(param.ndim - ndim_supp, param.ndim))


def _const_dim(d: Any) -> int | None:
    """The value of a shape entry when it is known at graph-building time."""
    if isinstance(d, (int, np.integer)):
        return int(d)
    if isinstance(d, Constant):
        return int(np.asarray(d.data))
    if isinstance(d, Variable):
        try:
            return int(_at().get_scalar_constant_value(d))
        except Exception:
            return None
    return None


class _CopiedSeedSequence(np.random.bit_generator.ISpawnableSeedSequence):
    """The seed sequence of a generator made by :func:`copy_generator`.

    Building a ``SeedSequence`` and seeding a bit generator from it costs
    most of a copy (about 7 of 10 microseconds), and a copy's state is
    overwritten right away. This stands in for the copied sequence: it
    answers the bit generator's one seeding request with zeros and makes the
    real ``SeedSequence`` (same entropy, spawn key, pool size and children
    count) the first time anything else asks for it, so ``spawn``, the
    ``entropy``/``spawn_key``/... attributes and pickling behave as on a
    deep copy.
    """

    __slots__ = ("_params", "_real", "_seeded")

    def __init__(self, params: tuple):
        self._params = params
        self._real: np.random.SeedSequence | None = None
        self._seeded = False

    def materialize(self) -> np.random.SeedSequence:
        """The real ``SeedSequence`` this one stands for (made once)."""
        if self._real is None:
            entropy, spawn_key, pool_size, n_children = self._params
            self._real = np.random.SeedSequence(
                entropy,
                spawn_key=spawn_key,
                pool_size=pool_size,
                n_children_spawned=n_children,
            )
        return self._real

    def params(self) -> tuple:
        """``(entropy, spawn_key, pool_size, n_children_spawned)`` as of now."""
        if self._real is None:
            return self._params
        return _seed_params(self._real)

    def generate_state(self, n_words, dtype=np.uint32):
        if not self._seeded:
            # The seeding request of the copy's constructor: its state is
            # replaced by the original's next.
            self._seeded = True
            return np.zeros(n_words, dtype=dtype)
        return self.materialize().generate_state(n_words, dtype)

    def spawn(self, n_children):
        return self.materialize().spawn(n_children)

    def __getattr__(self, name):
        # entropy, spawn_key, pool_size, n_children_spawned, state, ...
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.materialize(), name)

    def __reduce__(self):
        return (_same, (self.materialize(),))

    def __repr__(self) -> str:
        return repr(self.materialize())


def _same(x: Any) -> Any:
    return x


def _seed_params(ss: np.random.SeedSequence) -> tuple:
    return (ss.entropy, ss.spawn_key, ss.pool_size, ss.n_children_spawned)


def copy_generator(
    rng: Any, copy_state: Callable[[Any, Any], bool] | None = None
) -> Any:
    """An independent copy of a NumPy random generator, as ``deepcopy`` makes.

    A ``Generator`` is rebuilt from its bit generator's state, with a seed
    sequence made only when asked for (:class:`_CopiedSeedSequence`), which
    is about ten times faster than ``copy.deepcopy`` (that pickles it) and
    gives the same draws and the same ``spawn`` children. Anything else
    (``RandomState``, generators on bit generators that cannot be rebuilt
    so) is deep-copied.

    Parameters
    ----------
    rng
        The generator to copy.
    copy_state
        Optional ``copy_state(src, dst) -> bool`` copying one bit
        generator's state into another of the same type (a backend's faster
        way); where it returns False the ``state`` property is used.
    """
    if type(rng) is np.random.Generator:
        bg = rng.bit_generator
        ss = bg.seed_seq
        if type(bg) in _REBUILDABLE_BIT_GENERATORS:
            if type(ss) is _CopiedSeedSequence:
                params = ss.params()
            elif type(ss) is np.random.SeedSequence:
                params = _seed_params(ss)
            else:
                params = None
            if params is not None:
                new_bg = type(bg)(_CopiedSeedSequence(params))
                if copy_state is None or not copy_state(bg, new_bg):
                    new_bg.state = bg.state
                return np.random.Generator(new_bg)
    return copy.deepcopy(rng)


_REBUILDABLE_BIT_GENERATORS = (
    np.random.PCG64,
    np.random.PCG64DXSM,
    np.random.Philox,
    np.random.SFC64,
    np.random.MT19937,
)


class RandomVariable(Op):
    """A draw from a distribution, with the generator threaded through.

    Parameters
    ----------
    name
        The distribution's name; by default ``rng_fn`` calls the generator
        method of that name.
    ndim_supp
        Number of dimensions of one draw (0 for scalar distributions, 1 for
        vector ones such as the multivariate normal).
    ndims_params
        Number of core dimensions of each parameter.
    dtype
        Output dtype, ``"floatX"`` for ``config.floatX``, or ``None`` to take it
        from the ``dtype`` given at each call.
    inplace
        Whether ``perform`` advances the input generator itself instead of a
        copy.
    """

    __props__ = ("name", "ndim_supp", "ndims_params", "dtype", "inplace")
    default_output = 1

    # Subclasses set these as class attributes.
    name: str | None = None
    ndim_supp: int | None = None
    ndims_params: Sequence[int] | None = None
    dtype: str | None = None
    inplace: bool = False

    def __init__(
        self,
        name: str | None = None,
        ndim_supp: int | None = None,
        ndims_params: Sequence[int] | None = None,
        dtype: str | None = None,
        inplace: bool | None = None,
    ):
        super().__init__()
        self.name = name or getattr(self, "name", None)
        ndim_supp = ndim_supp if ndim_supp is not None else self.ndim_supp
        ndims_params = ndims_params if ndims_params is not None else self.ndims_params
        if (
            ndim_supp is None
            or not isinstance(ndim_supp, (int, np.integer))
            or ndim_supp < 0
        ):
            raise TypeError(f"ndim_supp must be a non-negative int, got {ndim_supp!r}")
        if ndims_params is None or not all(
            isinstance(n, (int, np.integer)) and n >= 0 for n in ndims_params
        ):
            raise TypeError(
                f"ndims_params must be a sequence of non-negative ints, got {ndims_params!r}"
            )
        self.ndim_supp = int(ndim_supp)
        self.ndims_params = tuple(int(n) for n in ndims_params)
        self.dtype = dtype if dtype is not None else getattr(self, "dtype", None)
        self.inplace = bool(inplace) if inplace is not None else bool(self.inplace)
        if self.inplace:
            self.destroy_map = {0: [0]}

    # -- shapes --------------------------------------------------------------

    def _supp_shape_from_params(
        self, dist_params: Sequence[Variable], param_shapes: Sequence | None = None
    ) -> tuple:
        """Support shape of a draw (default: trailing dims of the first parameter)."""
        return default_supp_shape_from_params(
            self.ndim_supp, dist_params, param_shapes=param_shapes
        )

    def _infer_shape(
        self,
        size: Variable,
        dist_params: Sequence[Variable],
        param_shapes: Sequence[Sequence[Any]] | None = None,
    ) -> tuple:
        """Symbolic shape of a draw, from ``size`` and the parameters."""
        at = _at()
        size_len = at.get_vector_length(size)
        if param_shapes is None:
            param_shapes = [
                tuple(p.shape[i] for i in range(p.type.ndim))
                if isinstance(p.type, TensorType)
                else None
                for p in dist_params
            ]
        supp = (
            tuple(self._supp_shape_from_params(dist_params, param_shapes=param_shapes))
            if self.ndim_supp > 0
            else ()
        )
        if size_len > 0:
            return tuple(size[i] for i in range(size_len)) + supp
        batches = [
            tuple(s)[: len(s) - nd]
            for s, nd in zip(param_shapes, self.ndims_params)
            if s is not None
        ]
        if not batches:
            return supp
        from aesara.tensor.extra_ops import broadcast_shape

        return tuple(broadcast_shape(*batches, arrays_are_shapes=True)) + supp

    def _static_shape(self, size: Variable, dist_params: Sequence[Variable]) -> tuple:
        """The draw's static shape (``None`` for entries unknown until run time)."""
        at = _at()
        size_len = at.get_vector_length(size)
        if self.ndim_supp > 0:
            try:
                supp = tuple(
                    _const_dim(d) for d in self._supp_shape_from_params(dist_params)
                )
            except NotImplementedError:
                supp = (None,) * self.ndim_supp
        else:
            supp = ()
        if size_len > 0:
            if isinstance(size, Constant):
                batch = tuple(int(s) for s in np.asarray(size.data))
            else:
                _, batch = at.infer_static_shape(size)
            return tuple(batch) + supp
        batches = [
            p.type.shape[: p.type.ndim - nd]
            for p, nd in zip(dist_params, self.ndims_params)
            if isinstance(p.type, TensorType)
        ]
        nd = max((len(b) for b in batches), default=0)
        out = []
        for d in range(nd):
            entries = [b[len(b) - nd + d] for b in batches if len(b) - nd + d >= 0]
            known = [e for e in entries if e is not None and e != 1]
            if known:
                out.append(known[0])
            elif all(e == 1 for e in entries):
                out.append(1)
            else:
                out.append(None)
        return tuple(out) + supp

    # -- graph building ------------------------------------------------------

    def _resolve_dtype(self, dtype: Any) -> str:
        if self.dtype is not None:
            dtype = self.dtype
        if dtype is None:
            raise TypeError(
                f"{self.name}: this random variable has no fixed dtype; pass dtype="
            )
        if dtype == "floatX":
            dtype = config.floatX
        dtype = str(np.dtype(dtype)) if dtype != "floatX" else dtype
        if dtype not in all_dtypes:
            raise TypeError(f"{self.name}: unsupported dtype {dtype!r}")
        return dtype

    def make_node(self, rng: Any, size: Any, dtype: Any, *dist_params: Any) -> Apply:
        """Build the node ``(next_rng, draw)``.

        Parameters
        ----------
        rng
            A generator variable (``None``: a new shared default generator).
        size
            ``None``, an int, a sequence of ints or an integer vector.
        dtype
            Output dtype, used when the op has none of its own; an int64
            constant indexing ``all_dtypes`` is accepted too (as in cloned nodes).
        *dist_params
            The distribution's parameters.

        Raises
        ------
        TypeError
            For a wrong number of parameters, a non-generator ``rng`` or a bad
            ``size``/``dtype``.
        ValueError
            When a parameter has fewer dimensions than its core dimensions.
        """
        at = _at()
        if len(dist_params) != len(self.ndims_params):
            raise TypeError(
                f"{self.name} expects {len(self.ndims_params)} distribution parameters, "
                f"got {len(dist_params)}"
            )
        params = []
        for i, (p, nd) in enumerate(zip(dist_params, self.ndims_params)):
            if isinstance(getattr(p, "type", None), NoneTypeT):
                # An absent optional parameter (e.g. choice's ``p``).
                params.append(p)
                continue
            p = at.as_tensor_variable(p)
            if not self._check_param_ndim(i, p, nd):
                raise ValueError(
                    f"Parameter {i} of {self.name} needs at least {nd} dimension(s), "
                    f"got {p.type.ndim} ({p.type})"
                )
            params.append(p)
        if rng is None:
            rng = shared(np.random.default_rng())
        elif not isinstance(getattr(rng, "type", None), RandomType):
            raise TypeError(
                "The rng must be a variable of RandomGeneratorType or RandomStateType "
                f"(e.g. aesara.shared(np.random.default_rng())), got {rng!r} "
                f"of type {getattr(rng, 'type', type(rng).__name__)}"
            )
        size = normalize_size_param(size)
        if isinstance(dtype, Variable):
            if not isinstance(dtype, Constant):
                raise TypeError(f"{self.name}: the dtype input must be a constant")
            dtype = all_dtypes[int(np.asarray(dtype.data))]
        dtype = self._resolve_dtype(dtype)
        dtype_idx = at.constant(all_dtypes.index(dtype), dtype="int64")
        static = self._static_shape(size, params)
        out_type = TensorType(dtype=dtype, shape=static)
        return Apply(self, [rng, size, dtype_idx, *params], [rng.type(), out_type()])

    def __call__(
        self,
        *args: Any,
        size: Any = None,
        name: str | None = None,
        rng: Any = None,
        dtype: Any = None,
        **kwargs,
    ) -> Variable:
        """Draw from the distribution (the draw; the node's ``outputs[0]`` is the new rng)."""
        return super().__call__(rng, size, dtype, *args, name=name, **kwargs)

    def _check_param_ndim(self, i: int, p: Variable, nd: int) -> bool:
        return p.type.ndim >= nd

    def dist_params(self, node: Apply) -> list[Variable]:
        """The distribution parameters of a node of this op."""
        return list(node.inputs[3:])

    # -- evaluation ----------------------------------------------------------

    def rng_fn(self, rng: Any, *args: Any, **kwargs: Any) -> Any:
        """Draw with the generator; ``args`` ends with the size (``None`` or a tuple)."""
        return getattr(rng, self.name)(*args, **kwargs)

    def perform(self, node: Apply, inputs: list, outputs: list) -> None:
        rng, size, _dtype, *args = inputs
        rng_out, draw_out = outputs
        if not self.inplace:
            rng = copy_generator(rng)
        size = tuple(int(s) for s in size) if len(size) > 0 else None
        value = self.rng_fn(rng, *args, size)
        dtype = node.outputs[1].type.numpy_dtype
        if type(value) is not np.ndarray or value.dtype != dtype:
            value = np.asarray(value, dtype=dtype)
        rng_out[0] = rng
        draw_out[0] = value

    def infer_shape(self, fgraph, node: Apply, input_shapes: list) -> list:
        _, size, _, *params = node.inputs
        shape = self._infer_shape(size, params, param_shapes=input_shapes[3:])
        return [None, list(shape)]

    # -- derivatives ---------------------------------------------------------

    def grad(self, inputs: list, output_grads: list) -> list:
        from aesara.gradient import grad_undefined

        return [
            grad_undefined(
                self, i, inp, f"No gradient defined for random variable {self.name}"
            )
            for i, inp in enumerate(inputs)
        ]

    def R_op(self, inputs: list, eval_points: list) -> list:
        return [None for _ in eval_points]

    def __str__(self) -> str:
        props = (
            f"{{{self.name}, {self.ndim_supp}, {list(self.ndims_params)}, {self.dtype}"
        )
        return f"{type(self).__name__}{props}{', inplace' if self.inplace else ''}}}"


class AbstractRNGConstructor(Op):
    """An op that makes a new NumPy generator from an optional integer seed.

    Subclasses name the generator's type (``random_type``) and the
    ``numpy.random`` constructor (``random_constructor``); with no seed the
    generator is seeded from fresh OS entropy at each evaluation.
    """

    random_type: RandomType
    random_constructor: str

    def make_node(self, seed=None) -> Apply:
        from aesara.tensor.type_other import NoneConst

        if seed is None:
            seed = NoneConst
        else:
            seed = _at().as_tensor_variable(seed)
            if seed.type.dtype not in all_dtypes or seed.type.dtype[0] not in "iu":
                raise TypeError(
                    f"{type(self).__name__}: the seed must be an integer, got a "
                    f"{seed.type} variable"
                )
        return Apply(self, [seed], [self.random_type()])

    def perform(self, node: Apply, inputs: list, outputs: list) -> None:
        (seed,) = inputs
        if seed is not None and np.size(seed) == 1:
            seed = int(np.asarray(seed).reshape(()))
        outputs[0][0] = getattr(np.random, self.random_constructor)(seed)


class RandomStateConstructor(AbstractRNGConstructor):
    """``RandomState(seed)``: a symbolic ``numpy.random.RandomState``."""

    random_constructor = "RandomState"

    @property
    def random_type(self) -> RandomType:  # type: ignore[override]
        from aesara.tensor.random.type import RandomStateType

        return RandomStateType()


class DefaultGeneratorMakerOp(AbstractRNGConstructor):
    """``default_rng(seed)``: a symbolic ``numpy.random.default_rng(seed)``."""

    random_constructor = "default_rng"

    @property
    def random_type(self) -> RandomType:  # type: ignore[override]
        from aesara.tensor.random.type import RandomGeneratorType

        return RandomGeneratorType()


RandomState = RandomStateConstructor()
default_rng = DefaultGeneratorMakerOp()
