"""The MRG31k3p random number generator with many parallel streams.

MRG31k3p (L'Ecuyer and Touzin, 2000) combines two multiple recursive
generators of order 3:

* ``x1[n] = (2**22 * x1[n-2] + (2**7 + 1) * x1[n-3]) mod m1``, ``m1 = 2**31 - 1``
* ``x2[n] = (2**15 * x2[n-1] + (2**15 + 1) * x2[n-3]) mod m2``,
  ``m2 = 2**31 - 21069``

and outputs ``(x1[n] - x2[n]) mod m1`` scaled by ``2**-31``. A state is six
``int32`` numbers (three per component). Independent streams start ``2**72``
steps apart, as in L'Ecuyer et al.'s multi-stream package (2002): jumping
ahead is a multiplication of each half of the state by a power of the
component's companion matrix, modulo its ``m``.

:class:`MRG_RandomStream` keeps a matrix of stream states per draw in a
shared variable; element ``i`` of a draw comes from stream
``i % n_streams``. The op :class:`mrg_uniform` advances all the streams
together, one vectorised step per ``n_streams`` samples, with the same
``int32`` arithmetic as Aesara's C implementation, so a seed gives the same
numbers as Aesara.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from aesara import scalar as aes
from aesara import tensor as at
from aesara.compile.mode import optdb
from aesara.compile.sharedvalue import shared
from aesara.configdefaults import config
from aesara.gradient import grad_undefined, undefined_grad
from aesara.graph.basic import Apply, Constant, Variable
from aesara.graph.op import Op
from aesara.graph.rewriting.basic import copy_stack_trace, in2out, node_rewriter
from aesara.sandbox import multinomial
from aesara.tensor import as_tensor_variable, cast, get_vector_length
from aesara.tensor.exceptions import NotScalarConstantError
from aesara.tensor.math import cos, log, prod, sin, sqrt
from aesara.tensor.shape import reshape
from aesara.tensor.type import TensorType

__all__ = [
    "DotModulo",
    "matVecModM",
    "multMatVect",
    "ff_2p72",
    "ff_2p134",
    "mrg_next_value",
    "mrg_uniform_base",
    "mrg_uniform",
    "guess_n_streams",
    "MRG_RandomStream",
    "mrg_random_make_inplace",
    "M1",
    "M2",
    "A1p72",
    "A2p72",
    "A1p134",
    "A2p134",
]

warnings.warn(
    "The module `aesara.sandbox.rng_mrg` is deprecated. "
    "Use the module `aesara.tensor.random` for random variables instead.",
    DeprecationWarning,
    stacklevel=2,
)

# Generator constants.
M1 = np.asarray(np.int32(2147483647))  # 2**31 - 1
M2 = np.asarray(np.int32(2147462579))  # 2**31 - 21069
MASK12 = np.int32(511)  # 2**9 - 1
MASK13 = np.int32(16777215)  # 2**24 - 1
MASK2 = np.int32(65535)  # 2**16 - 1
MULT2 = np.int32(21069)
NORM = 4.656612873077392578125e-10  # 2**-31

# One step of each component as a matrix acting on (x[n-1], x[n-2], x[n-3]).
A1p0 = np.asarray([[0, 2**22, 2**7 + 1], [1, 0, 0], [0, 1, 0]], dtype="int64")
A2p0 = np.asarray([[2**15, 0, 2**15 + 1], [1, 0, 0], [0, 1, 0]], dtype="int64")


def _matmul_mod(a: np.ndarray, b: np.ndarray, m: int) -> np.ndarray:
    """``(a @ b) mod m`` for ``int64`` matrices with entries in ``[0, m)``.

    Each product fits in ``int64`` (``m < 2**31``); reducing every product
    before the sum keeps the sum from overflowing.
    """
    terms = (a[:, :, None] * b[None, :, :]) % m
    return terms.sum(axis=1) % m


def _jump_matrix(step: np.ndarray, log2_steps: int, m: int) -> np.ndarray:
    """``step ** (2 ** log2_steps) mod m``, by repeated squaring."""
    out = step
    for _ in range(log2_steps):
        out = _matmul_mod(out, out, m)
    return out


# Jumps to the next substream (2**72 steps) and to the next stream (2**134).
A1p72 = _jump_matrix(A1p0, 72, int(M1))
A2p72 = _jump_matrix(A2p0, 72, int(M2))
A1p134 = _jump_matrix(A1p0, 134, int(M1))
A2p134 = _jump_matrix(A2p0, 134, int(M2))


def matVecModM(A: np.ndarray, s: np.ndarray, m) -> np.ndarray:
    """``(A @ s) mod m`` as ``int32``, for ``int64`` ``A`` and ``int32`` ``s``.

    ``s`` may also be a matrix of row vectors (shape ``(k, n)``); then the
    result has shape ``(k, A.shape[0])``.
    """
    A = np.asarray(A)
    if A.dtype != np.int64:
        raise TypeError(f"matVecModM: A must be an int64 matrix, got {A.dtype}")
    s64 = np.asarray(s, dtype="int64")
    m = int(m)
    if s64.ndim == 1:
        return np.int32(np.sum((A * s64) % m, axis=1) % m)
    terms = (s64[:, None, :] * A[None, :, :]) % m
    return (terms.sum(axis=2) % m).astype("int32")


def multMatVect(v, A, m1, B, m2) -> np.ndarray:
    """Multiply the first half of state ``v`` by ``A`` mod ``m1``, the second by ``B`` mod ``m2``.

    ``v`` is one state (6 numbers) or a matrix of states, one per row.
    """
    v = np.asarray(v, dtype="int32")
    if v.ndim == 1:
        return np.concatenate((matVecModM(A, v[:3], m1), matVecModM(B, v[3:], m2)))
    return np.concatenate(
        (matVecModM(A, v[:, :3], m1), matVecModM(B, v[:, 3:], m2)), axis=1
    )


def ff_2p134(rstate) -> np.ndarray:
    """The state ``2**134`` steps (one stream) after ``rstate``."""
    return multMatVect(rstate, A1p134, M1, A2p134, M2)


def ff_2p72(rstate) -> np.ndarray:
    """The state ``2**72`` steps (one substream) after ``rstate``."""
    return multMatVect(rstate, A1p72, M1, A2p72, M2)


class DotModulo(Op):
    """``concatenate([(A @ s) mod m, (A2 @ s2) mod m2])``, without overflow.

    ``A`` and ``A2`` are ``int64`` matrices, ``s`` and ``s2`` ``int32``
    vectors, ``m`` and ``m2`` scalars; the output has the type of ``s``.
    """

    __props__ = ()

    def make_node(self, A, s, m, A2, s2, m2):
        inputs = [as_tensor_variable(v) for v in (A, s, m, A2, s2, m2)]
        for name, var, ndim in zip(
            ("A", "s", "m", "A2", "s2", "m2"), inputs, (2, 1, 0) * 2
        ):
            if var.ndim != ndim:
                raise TypeError(
                    f"DotModulo: {name} must have {ndim} dimensions, got {var.ndim}"
                )
            if not var.dtype.startswith(("int", "uint")):
                raise TypeError(
                    f"DotModulo: {name} must have an integer dtype, got {var.dtype}"
                )
        return Apply(self, inputs, [inputs[1].type()])

    def perform(self, node, inputs, outputs):
        A, s, m, A2, s2, m2 = inputs
        for name, mat, vec in (("A", A, s), ("A2", A2, s2)):
            if mat.shape[1] != vec.shape[0]:
                raise ValueError(
                    f"DotModulo: {name} has {mat.shape[1]} columns but its vector "
                    f"has {vec.shape[0]} entries"
                )
        first = matVecModM(np.asarray(A, dtype="int64"), s, m)
        second = matVecModM(np.asarray(A2, dtype="int64"), s2, m2)
        outputs[0][0] = np.concatenate((first, second)).astype(node.outputs[0].dtype)

    def infer_shape(self, fgraph, node, shapes):
        return [(shapes[0][0] + shapes[3][0],)]


def _advance(state: np.ndarray) -> np.ndarray:
    """Advance every row of ``state`` (``int32``, shape ``(k, 6)``) by one step.

    Updates ``state`` in place and returns the ``int32`` outputs in
    ``[1, m1]``. The arithmetic is Aesara's C code on arrays: ``int32`` with
    wrap-around, each sum brought back below the modulus by one subtraction.
    """
    x11, x12, x13, x21, x22, x23 = (state[:, j] for j in range(6))
    # First component: 2**22 * x12 + (2**7 + 1) * x13 mod m1, from shifts.
    y1 = (
        ((x12 & MASK12) << np.int32(22))
        + (x12 >> np.int32(9))
        + ((x13 & MASK13) << np.int32(7))
        + (x13 >> np.int32(24))
    )
    y1 = np.where((y1 < 0) | (y1 >= M1), y1 - M1, y1)
    y1 = y1 + x13
    y1 = np.where((y1 < 0) | (y1 >= M1), y1 - M1, y1)
    # Second component: 2**15 * x21 + (2**15 + 1) * x23 mod m2.
    t1 = ((x21 & MASK2) << np.int32(15)) + MULT2 * (x21 >> np.int32(16))
    t1 = np.where((t1 < 0) | (t1 >= M2), t1 - M2, t1)
    y2 = ((x23 & MASK2) << np.int32(15)) + MULT2 * (x23 >> np.int32(16))
    y2 = np.where((y2 < 0) | (y2 >= M2), y2 - M2, y2)
    y2 = y2 + x23
    y2 = np.where((y2 < 0) | (y2 >= M2), y2 - M2, y2)
    y2 = y2 + t1
    y2 = np.where((y2 < 0) | (y2 >= M2), y2 - M2, y2)
    new = np.stack([y1, x11, x12, y2, x21, x22], axis=1)
    state[...] = new
    diff = y1 - y2
    return np.where(y1 <= y2, diff + M1, diff).astype("int32")


def _to_unit(ints: np.ndarray, dtype: str) -> np.ndarray:
    """Scale generator outputs to ``(0, 1]`` floats as Aesara does per dtype."""
    if dtype == "float64":
        return ints.astype("float64") * NORM
    if dtype == "float32":
        # Like C's ``int * float``: convert to float32, then multiply.
        return ints.astype("float32") * np.float32(4.6566126e-10)
    if dtype == "float16":
        # 15 bits only, offset by one so that 0 never comes out.
        vals = ((ints & np.int32(0x7FFF)) + 1).astype("float64")
        return (vals * float(np.float16(3.0458e-05))).astype("float16")
    raise TypeError(f"mrg_uniform: unsupported output dtype {dtype}")


def mrg_next_value(rstate, new_rstate, NORM, mask, offset):
    """One step of one stream: write the new state into ``new_rstate``, return the sample.

    ``rstate`` holds six ``int32`` numbers; the sample is
    ``((output & mask) + offset) * NORM``.
    """
    state = np.array(rstate, dtype="int32").reshape(1, 6)
    with np.errstate(over="ignore"):
        ints = _advance(state)
    new_rstate[...] = state[0]
    return ((ints[0] & np.int64(mask)) + offset) * NORM


class mrg_uniform_base(Op):
    """Base of the ops drawing uniforms from a matrix of MRG31k3p states.

    Parameters
    ----------
    output_type
        The ``TensorType`` of the sample.
    inplace
        Overwrite the state input with the advanced state.
    """

    __props__ = ("output_type", "inplace")

    def __init__(self, output_type, inplace=False):
        self.output_type = output_type
        self.inplace = inplace
        if inplace:
            self.destroy_map = {0: [0]}
        self.warned_numpy_version = False

    ndim = property(lambda self: self.output_type.ndim)
    otypenum = property(lambda self: np.dtype(self.output_type.dtype).num)
    otype_is_float32 = property(lambda self: self.output_type.dtype == "float32")

    def __str__(self):
        mode = "inplace" if self.inplace else "no_inplace"
        return f"{type(self).__name__}{{{self.output_type},{mode}}}"

    def grad(self, inputs, output_grads):
        return [
            grad_undefined(
                self, k, inp, "No gradient defined through random sampling op"
            )
            for k, inp in enumerate(inputs)
        ]

    def R_op(self, inputs, eval_points):
        return [None for _ in eval_points]


class mrg_uniform(mrg_uniform_base):
    """Draw ``size`` uniforms in ``(0, 1)`` (``[0, 1]`` after float32 rounding).

    Inputs: the ``(n_streams, 6)`` ``int32`` state matrix and the size
    vector. Outputs: the advanced states and the sample. Element ``i`` (in
    C order) comes from stream ``i % n_streams``.
    """

    def make_node(self, rstate, size):
        rstate = as_tensor_variable(rstate)
        size = as_tensor_variable(size)
        if rstate.ndim != 2 or rstate.dtype != "int32":
            raise TypeError(
                f"mrg_uniform: rstate must be an int32 matrix, got {rstate.type}"
            )
        if size.ndim != 1 or not size.dtype.startswith(("int", "uint")):
            raise TypeError(
                f"mrg_uniform: size must be an integer vector, got {size.type}"
            )
        out_shape = []
        for i in range(self.output_type.ndim):
            try:
                dim = at.get_scalar_constant_value(size[i])
            except NotScalarConstantError:
                dim = None
            out_shape.append(1 if dim == 1 else None)
        output_var = self.output_type.clone(shape=tuple(out_shape))()
        return Apply(self, [rstate, size], [rstate.type(), output_var])

    @classmethod
    def new(cls, rstate, ndim, dtype, size):
        """Build the op for ``ndim`` and ``dtype`` and apply it to ``rstate`` and ``size``."""
        v_size = as_tensor_variable(size)
        if ndim is None:
            ndim = get_vector_length(v_size)
        op = cls(TensorType(dtype, shape=(None,) * ndim))
        return op(rstate, v_size)

    def perform(self, node, inputs, outputs):
        rstate, size = inputs
        shape = tuple(int(s) for s in size)
        if len(shape) != self.output_type.ndim:
            raise ValueError(
                f"mrg_uniform: size must have length {self.output_type.ndim}, got "
                f"{len(shape)}"
            )
        if any(s < 0 for s in shape):
            raise ValueError(f"mrg_uniform: negative dimension in size {shape}")
        n_elements = int(np.prod(shape, dtype="int64"))
        if n_elements > int(M1):
            raise ValueError("rng_mrg does not support more than (2**31 - 1) samples")
        rstate = np.asarray(rstate)
        if rstate.ndim != 2 or rstate.shape[1] != 6 or rstate.dtype != np.int32:
            raise ValueError(
                "mrg_uniform: rstate must be an int32 matrix with 6 columns, got "
                f"shape {rstate.shape} and dtype {rstate.dtype}"
            )
        if rstate.shape[0] == 0:
            raise ValueError("mrg_uniform: rstate must hold at least one stream")
        state = rstate if self.inplace else rstate.copy()
        if not state.flags.c_contiguous:
            state = np.ascontiguousarray(state)
        n_streams = state.shape[0]
        dtype = self.output_type.dtype
        sample = np.empty(n_elements, dtype=dtype)
        with np.errstate(over="ignore"):
            # One vectorised step of (up to) every stream per round.
            for start in range(0, n_elements, n_streams):
                k = min(n_streams, n_elements - start)
                rows = state[:k]
                ints = _advance(rows)
                sample[start : start + k] = _to_unit(ints, dtype)
        if self.inplace and state is not rstate:
            rstate[...] = state
            state = rstate
        outputs[0][0] = state
        outputs[1][0] = sample.reshape(shape)

    def infer_shape(self, fgraph, node, shapes):
        size = node.inputs[1]
        return [shapes[0], tuple(size[i] for i in range(self.output_type.ndim))]


def guess_n_streams(size, warn: bool = False) -> int:
    """A number of streams for a draw of ``size`` (60 * 256 when unknown).

    For a size of Python ints, one stream per 6 samples (at least one, at
    most 60 * 256).
    """
    if isinstance(size, (tuple, list)) and all(
        isinstance(i, (int, np.integer)) for i in size
    ):
        n = 1
        for s in size:
            n *= int(s)
        if n > 6:
            n = n // 6
        return min(n, 60 * 256)
    if warn:
        warnings.warn(
            f"MRG_RandomStream can't determine the number of streams from size "
            f"({size}), guessing 60*256",
            DeprecationWarning,
            stacklevel=3,
        )
    return 60 * 256


def _substream_states(first: np.ndarray, n_streams: int) -> np.ndarray:
    """``n_streams`` states ``2**72`` steps apart, the first being ``first``.

    Vectorised by doubling: rows ``[k, 2k)`` are rows ``[0, k)`` moved ``k``
    substreams ahead with one matrix product.
    """
    out = np.zeros((n_streams, 6), dtype="int32")
    out[0] = first
    jump1, jump2 = A1p72, A2p72  # jumps of `filled` substreams
    filled = 1
    while filled < n_streams:
        k = min(filled, n_streams - filled)
        out[filled : filled + k] = multMatVect(out[:k], jump1, M1, jump2, M2)
        filled += k
        if filled < n_streams:
            jump1 = _matmul_mod(jump1, jump1, int(M1))
            jump2 = _matmul_mod(jump2, jump2, int(M2))
    return out


class MRG_RandomStream:
    """Random draws from MRG31k3p streams, with an API like ``numpy.random``.

    Parameters
    ----------
    seed
        One integer (used for all six state numbers) or six integers: the
        first three below ``M1 = 2147483647`` and not all 0, the last three
        below ``M2 = 2147462579`` and not all 0.

    Notes
    -----
    Each draw gets its own shared state matrix whose default update is the
    advanced state, so every call of a compiled function gives new numbers.
    ``state_updates`` lists ``(state, new_state, size, nstreams)`` per draw.
    """

    def __init__(self, seed=12345):
        self.state_updates: list[tuple] = []
        self.default_instance_seed = seed
        self.set_rstate(seed)

    def updates(self) -> list:
        """The ``(state, new_state)`` update pairs of all draws made so far."""
        return [(old, new) for old, new, *_ in self.state_updates]

    def set_rstate(self, seed) -> None:
        """Set the state from which the next draw's streams start."""
        if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool):
            if seed == 0:
                raise ValueError("MRG_RandomStream: seed should not be 0", seed)
            if seed < 0:
                raise ValueError("MRG_RandomStream: seed should be positive", seed)
            if seed >= M2:
                raise ValueError(
                    f"MRG_RandomStream: seed should be less than {int(M2)}", seed
                )
            self.rstate = np.asarray([seed] * 6, dtype="int32")
            return
        if isinstance(seed, (list, tuple, np.ndarray)) and len(seed) == 6:
            seed = [int(s) for s in seed]
            if any(s < 0 for s in seed):
                raise ValueError("MRG_RandomStream: seed values must be >= 0", seed)
            if seed[0] == 0 and seed[1] == 0 and seed[2] == 0:
                raise ValueError("The first 3 values of seed should not be all 0", seed)
            if seed[3] == 0 and seed[4] == 0 and seed[5] == 0:
                raise ValueError("The last 3 values of seed should not be all 0", seed)
            if max(seed[:3]) >= M1:
                raise ValueError(
                    f"The first 3 values of seed should be less than {int(M1)}", seed
                )
            if max(seed[3:]) >= M2:
                raise ValueError(
                    f"The last 3 values of seed should be less than {int(M2)}", seed
                )
            self.rstate = np.asarray(seed, dtype="int32")
            return
        raise TypeError(
            f"MRG_RandomStream: seed should be 1 integer or 6 integers, got {seed!r}"
        )

    def seed(self, seed=None) -> None:
        """Re-seed, and reset the state of every draw made so far.

        ``None`` reuses the seed given at construction. Each draw gets, in
        creation order, the streams it would get from a fresh instance.
        """
        if seed is None:
            seed = self.default_instance_seed
        self.set_rstate(seed)
        for old_r, new_r, size, nstreams in self.state_updates:
            if nstreams is None:
                nstreams = self.n_streams(size)
            rstates = self.get_substream_rstates(nstreams, new_r.owner.outputs[1].dtype)
            old_r.set_value(rstates, borrow=True)

    def inc_rstate(self) -> None:
        """Move the starting state ``2**134`` steps ahead, to the next stream."""
        self.rstate = multMatVect(self.rstate, A1p134, M1, A2p134, M2)

    def get_substream_rstates(self, n_streams: int, dtype: str, inc_rstate=True):
        """A ``(n_streams, 6)`` matrix of states ``2**72`` steps apart.

        The first row is the current starting state; with ``inc_rstate`` the
        starting state then moves to the next stream.
        """
        if not isinstance(dtype, str):
            raise TypeError(
                f"get_substream_rstates: dtype must be a str, got {dtype!r}"
            )
        n_streams = int(n_streams)
        if not 0 < n_streams < 2**72:
            raise ValueError(
                f"get_substream_rstates: n_streams must be positive, got {n_streams}"
            )
        rval = _substream_states(self.rstate, n_streams)
        if inc_rstate:
            self.inc_rstate()
        return rval

    def n_streams(self, size) -> int:
        return guess_n_streams(size)

    def pretty_return(self, node_rstate, new_rstate, sample, size, nstreams):
        """Record the draw's state update and attach it to ``sample``."""
        sample.rstate = node_rstate
        sample.update = (node_rstate, new_rstate)
        self.state_updates.append((node_rstate, new_rstate, size, nstreams))
        node_rstate.default_update = new_rstate
        return sample

    def uniform(
        self, size, low=0.0, high=1.0, ndim=None, dtype=None, nstreams=None, **kwargs
    ):
        """Uniform samples in ``(low, high)``.

        Parameters
        ----------
        size
            A tuple of ints / scalar variables, or an integer vector variable.
        low, high
            The bounds (cast to ``dtype``).
        ndim
            The number of dimensions, when ``size`` does not tell it.
        dtype
            The output dtype; by default the upcast of ``floatX`` and the
            bounds' dtypes.
        nstreams
            The number of parallel streams (default: :func:`guess_n_streams`).
        """
        low = as_tensor_variable(low)
        high = as_tensor_variable(high)
        if dtype is None:
            dtype = aes.upcast(config.floatX, low.dtype, high.dtype)
        low = undefined_grad(cast(low, dtype=dtype))
        high = undefined_grad(cast(high, dtype=dtype))
        if isinstance(size, tuple):
            if not all(isinstance(i, (np.integer, int, Variable)) for i in size):
                raise TypeError(
                    f"uniform: size must be a tuple of ints or Aesara variables, got "
                    f"{size!r}"
                )
            if any(isinstance(i, (np.integer, int)) and i <= 0 for i in size):
                raise ValueError(
                    "The specified size contains a dimension with value <= 0", size
                )
        elif not (isinstance(size, Variable) and size.ndim == 1):
            raise TypeError(
                "size must be a tuple of int or an Aesara Variable with 1 dimension, "
                f"got {size} of type {type(size)}"
            )
        orig_nstreams = nstreams
        if nstreams is None:
            nstreams = self.n_streams(size)
        target = {}
        if "target" in kwargs:
            target = {"target": kwargs.pop("target")}
        if kwargs:
            raise TypeError(
                f"uniform() got unexpected keyword arguments {list(kwargs)}"
            )
        rstates = self.get_substream_rstates(nstreams, dtype)
        node_rstate = shared(rstates, **target)
        u = self.pretty_return(
            node_rstate,
            *mrg_uniform.new(node_rstate, ndim, dtype, size),
            size=size,
            nstreams=orig_nstreams,
        )
        r = u * (high - low) + low
        if u.type.broadcastable != r.type.broadcastable:
            raise NotImplementedError(
                "Increase the size to match the broadcasting pattern of `low` and "
                "`high` arguments"
            )
        return r

    def binomial(
        self, size=None, n=1, p=0.5, ndim=None, dtype="int64", nstreams=None, **kwargs
    ):
        """Bernoulli draws (``n == 1`` only): ``uniform < p`` cast to ``dtype``."""
        if n != 1:
            raise NotImplementedError("MRG_RandomStream.binomial with n > 1")
        p = undefined_grad(as_tensor_variable(p))
        x = self.uniform(size=size, ndim=ndim, nstreams=nstreams, **kwargs)
        return cast(x < p, dtype)

    def multinomial(
        self,
        size=None,
        n=1,
        pvals=None,
        ndim=None,
        dtype="int64",
        nstreams=None,
        **kwargs,
    ):
        """Counts of ``n`` draws from each row of the matrix ``pvals``.

        ``size`` and ``ndim`` must stay ``None`` (the shape is that of
        ``pvals``). ``pvals`` is not checked.
        """
        if pvals is None:
            raise TypeError("You have to specify pvals")
        pvals = undefined_grad(as_tensor_variable(pvals))
        if size is not None:
            if any(isinstance(i, int) and i <= 0 for i in size):
                raise ValueError(
                    "The specified size contains a dimension with value <= 0", size
                )
            raise ValueError(
                "Provided a size argument to MRG_RandomStream.multinomial, which "
                "does not use the size argument."
            )
        if ndim is not None:
            raise ValueError(
                "Provided an ndim argument to MRG_RandomStream.multinomial, which "
                "does not use the ndim argument."
            )
        if pvals.ndim != 2:
            raise NotImplementedError(
                "MRG_RandomStream.multinomial only implemented for pvals.ndim = 2"
            )
        draws = pvals[:, 0].shape * n
        unis = self.uniform(size=draws, ndim=1, nstreams=nstreams, **kwargs)
        op = multinomial.MultinomialFromUniform(dtype)
        return op(pvals, unis, as_tensor_variable(n))

    def choice(
        self,
        size=1,
        a=None,
        replace=True,
        p=None,
        ndim=None,
        dtype="int64",
        nstreams=None,
        **kwargs,
    ):
        """``size`` indices per row of ``p``, drawn without replacement.

        Only ``replace=False`` and ``a=None`` are implemented (indices are in
        ``range(p.shape[1])``); ``p`` must be a matrix.
        """
        if replace:
            raise NotImplementedError(
                "MRG_RandomStream.choice only works without replacement for now."
            )
        if a is not None:
            raise TypeError(
                "For now, a has to be None in MRG_RandomStream.choice. Sampled "
                "values are between 0 and p.shape[1]-1"
            )
        if p is None:
            raise TypeError(
                "For now, p has to be specified in MRG_RandomStream.choice."
            )
        p = undefined_grad(as_tensor_variable(p))
        if ndim is not None:
            raise ValueError("ndim argument to MRG_RandomStream.choice is not used.")
        if p.ndim != 2:
            raise NotImplementedError(
                "MRG_RandomStream.choice is only implemented for p.ndim = 2"
            )
        shape = p[:, 0].shape * size
        unis = self.uniform(size=shape, ndim=1, nstreams=nstreams, **kwargs)
        op = multinomial.ChoiceFromUniform(odtype=dtype)
        return op(p, unis, as_tensor_variable(size))

    def multinomial_wo_replacement(
        self,
        size=None,
        n=1,
        pvals=None,
        ndim=None,
        dtype="int64",
        nstreams=None,
        **kwargs,
    ):
        """Deprecated spelling of ``choice(size=n, p=pvals, replace=False)``."""
        warnings.warn(
            "`MRG_RandomStream.multinomial_wo_replacement` is deprecated; use "
            "`MRG_RandomStream.choice` instead.",
            DeprecationWarning,
            stacklevel=2,
        )
        if size is not None:
            raise ValueError(
                "MRG_RandomStream.multinomial_wo_replacement does not use size; "
                "pass the number of draws as n"
            )
        return self.choice(
            size=n,
            a=None,
            replace=False,
            p=pvals,
            dtype=dtype,
            nstreams=nstreams,
            ndim=ndim,
            **kwargs,
        )

    def normal(
        self,
        size,
        avg=0.0,
        std=1.0,
        ndim=None,
        dtype=None,
        nstreams=None,
        truncate=False,
        **kwargs,
    ):
        """Normal samples (Box-Muller on MRG uniforms).

        Parameters
        ----------
        size
            An int, a tuple/list of ints or scalar variables, or an integer
            vector variable.
        avg, std
            Mean and standard deviation.
        truncate
            Redraw samples beyond 2 standard deviations (so the result's
            standard deviation is smaller than ``std``).
        ndim, dtype, nstreams
            As for :meth:`uniform`.
        """
        size = _check_size(size)
        avg = undefined_grad(as_tensor_variable(avg))
        std = undefined_grad(as_tensor_variable(std))
        if dtype is None:
            dtype = aes.upcast(config.floatX, avg.dtype, std.dtype)
        avg = at.cast(avg, dtype=dtype)
        std = at.cast(std, dtype=dtype)

        # Box-Muller makes samples in pairs: draw an even number.
        if isinstance(size, Constant):
            n_odd_samples = size.prod(dtype="int64")
        else:
            n_odd_samples = prod(size, dtype="int64")
        n_even_samples = n_odd_samples + n_odd_samples % 2
        uniform = self.uniform(
            (n_even_samples,),
            low=0.0,
            high=1.0,
            ndim=1,
            dtype=dtype,
            nstreams=nstreams,
            **kwargs,
        )
        u1 = uniform[: n_even_samples // 2]
        u2 = uniform[n_even_samples // 2 :]
        r = sqrt(-2.0 * log(u1))
        theta = np.array(2.0 * np.pi, dtype=dtype) * u2
        cos_theta, sin_theta = cos(theta), sin(theta)
        z0 = r * cos_theta
        z1 = r * sin_theta

        if truncate:
            # Keep the samples within 2 std; redraw the radius of the others
            # from the part of the distribution that lands within.
            to_fix0 = (z0 < -2.0) | (z0 > 2.0)
            to_fix1 = (z1 < -2.0) | (z1 > 2.0)
            z0_valid = z0[at.nonzero(~to_fix0)]
            z1_valid = z1[at.nonzero(~to_fix1)]
            to_fix0 = at.nonzero(to_fix0)[0]
            to_fix1 = at.nonzero(to_fix1)[0]
            n_fix_samples = to_fix0.size + to_fix1.size
            lower = at.constant(1.0 / np.e**2, dtype=dtype)
            u_fix = self.uniform(
                (n_fix_samples,),
                low=lower,
                high=1.0,
                ndim=1,
                dtype=dtype,
                nstreams=nstreams,
                **kwargs,
            )
            r_fix = sqrt(-2.0 * log(u_fix))
            z0_fixed = r_fix[: to_fix0.size] * cos_theta[to_fix0]
            z1_fixed = r_fix[to_fix0.size :] * sin_theta[to_fix1]
            norm_samples = at.join(0, z0_valid, z0_fixed, z1_valid, z1_fixed)
        else:
            norm_samples = at.join(0, z0, z1)

        if isinstance(n_odd_samples, Variable):
            samples = norm_samples[:n_odd_samples]
        elif n_odd_samples % 2 == 1:
            samples = norm_samples[:-1]
        else:
            samples = norm_samples
        samples = reshape(samples, newshape=size, ndim=ndim)
        samples *= std
        samples += avg
        return samples

    def truncated_normal(
        self, size, avg=0.0, std=1.0, ndim=None, dtype=None, nstreams=None, **kwargs
    ):
        """Normal samples truncated at 2 standard deviations, with std ``std``.

        The scale is divided by the standard deviation of a standard normal
        truncated to ``[-2, 2]`` so that the result has standard deviation
        ``std``.
        """
        std = std / at.constant(0.87962566103423978)
        return self.normal(
            size=size,
            avg=avg,
            std=std,
            truncate=True,
            ndim=ndim,
            dtype=dtype,
            nstreams=nstreams,
            **kwargs,
        )


def _check_size(size: Any) -> Variable:
    """Return ``size`` (int, tuple/list of ints or scalars, vector) as an int vector.

    Raises
    ------
    ValueError
        When ``size`` cannot describe a shape.
    """
    if isinstance(size, Variable):
        if size.ndim == 1:
            return size
        if size.ndim == 0:
            return at.stack([size])
        raise ValueError(
            "Aesara variable must have 1 dimension to be a valid size.", size
        )
    if isinstance(size, (np.integer, int)) and not isinstance(size, bool):
        if size <= 0:
            raise ValueError("Non-positive dimensions not allowed in size.", size)
        return at.constant([size], ndim=1)
    if not isinstance(size, (tuple, list)):
        raise ValueError("Size must be a int, tuple, list or Aesara variable.", size)
    for i in size:
        if isinstance(i, Variable):
            if i.ndim != 0:
                raise ValueError("Non-scalar Aesara variable in size", size, i)
        elif isinstance(i, (np.integer, int)):
            if i <= 0:
                raise ValueError(
                    "Non-positive dimensions not allowed in size.", size, i
                )
        else:
            raise ValueError(
                "Only Aesara variables and integers are allowed in a size-tuple.",
                size,
                i,
            )
    return at.as_tensor_variable(size, ndim=1)


@node_rewriter([mrg_uniform_base])
def mrg_random_make_inplace(fgraph, node):
    """Make an MRG draw overwrite its state input (when nothing else reads it)."""
    op = node.op
    if isinstance(op, mrg_uniform_base) and not op.inplace:
        new_op = type(op)(op.output_type, inplace=True)
        new_out = new_op.make_node(*node.inputs).outputs
        copy_stack_trace(node.outputs, new_out)
        return new_out
    return False


optdb.register(
    "random_make_inplace_mrg",
    in2out(mrg_random_make_inplace, ignore_newtrees=True),
    "fast_run",
    "inplace",
    position=99,
)
