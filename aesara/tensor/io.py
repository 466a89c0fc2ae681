"""Ops that read arrays from outside the graph: ``.npy`` files and MPI messages.

* :class:`LoadFromDisk` / :func:`load`: a tensor whose value is read from a
  ``.npy`` file each time the function runs (optionally memory-mapped
  copy-on-write).
* :class:`MPISend`, :class:`MPISendWait`, :class:`MPIRecv`,
  :class:`MPIRecvWait` and the helpers :func:`isend`, :func:`send`,
  :func:`irecv`, :func:`recv`: point-to-point messages between processes
  through ``mpi4py``'s ``COMM_WORLD``. The graph can be built without
  ``mpi4py``; running such a node without it raises an ``ImportError``
  saying what to install. ``mpi_cmps`` orders the nodes for a linker
  schedule (see :func:`aesara.graph.sched.sort_schedule_fn`): starts before
  waits, then by tag.
"""

from __future__ import annotations

import importlib.util
from typing import Any

import numpy as np

from aesara.graph.basic import Apply, Constant, Variable
from aesara.graph.op import Op
from aesara.graph.sched import key_to_cmp
from aesara.link.c.type import Generic
from aesara.tensor.type import tensor

__all__ = ["load"]


class LoadFromDisk(Op):
    """Read an array from a ``.npy`` file given as a string input.

    Parameters
    ----------
    dtype
        The dtype the file must hold (a different one raises ``TypeError``).
    shape
        The static shape of the result (``None`` for unknown lengths).
    mmap_mode
        ``None`` (read into memory) or ``"c"`` (memory-map copy-on-write).
    """

    __props__ = ("dtype", "shape", "mmap_mode")

    def __init__(self, dtype: Any, shape: tuple, mmap_mode: str | None = None):
        self.dtype = np.dtype(dtype)
        self.shape = tuple(shape)
        if mmap_mode not in (None, "c"):
            raise ValueError(
                f"LoadFromDisk: mmap_mode must be None or 'c', got {mmap_mode!r}"
            )
        self.mmap_mode = mmap_mode

    def make_node(self, path: Any) -> Apply:
        if isinstance(path, str):
            path = Constant(Generic(), path)
        if not isinstance(path, Variable):
            raise TypeError(
                f"LoadFromDisk: path must be a str or a symbolic variable, got "
                f"{type(path).__name__}"
            )
        return Apply(self, [path], [tensor(dtype=self.dtype, shape=self.shape)])

    def perform(self, node, inputs, output_storage, params=None) -> None:
        path = inputs[0]
        if str(path).endswith(".npz"):
            raise ValueError(
                f"LoadFromDisk: expected a .npy file, got the .npz archive {path!r}"
            )
        value = np.load(path, mmap_mode=self.mmap_mode)
        if value.dtype != self.dtype:
            raise TypeError(
                f"LoadFromDisk: expected an array of dtype {self.dtype} in {path!r}, "
                f"got {value.dtype}"
            )
        if value.ndim != len(self.shape) or any(
            s is not None and s != v for s, v in zip(self.shape, value.shape)
        ):
            raise ValueError(
                f"LoadFromDisk: expected an array of shape {self.shape} in {path!r}, "
                f"got {value.shape}"
            )
        output_storage[0][0] = value

    def do_constant_folding(self, fgraph, node) -> bool:
        return False  # the file is read when the function runs, not when it compiles

    def __str__(self) -> str:
        return (
            f"Load{{dtype: {self.dtype}, shape: {self.shape}, mmep: {self.mmap_mode}}}"
        )


def load(path: Any, dtype: Any, shape: tuple, mmap_mode: str | None = None):
    """A tensor read from the ``.npy`` file ``path`` when the function runs.

    Parameters
    ----------
    path
        The file name (a string, or a symbolic string variable).
    dtype
        The dtype of the array in the file.
    shape
        Its static shape, one entry per dimension (``None`` for unknown).
    mmap_mode
        ``None`` or ``"c"`` (memory-mapped, copy-on-write).

    Examples
    --------
    >>> from aesara import function
    >>> from aesara.tensor.io import load
    >>> x = load("data.npy", "int64", (None,))  # doctest: +SKIP
    >>> f = function([], x.sum())  # doctest: +SKIP
    """
    return LoadFromDisk(dtype, shape, mmap_mode)(path)


#: Whether ``mpi4py`` is installed (the MPI ops can run). Checked without
#: importing it: importing ``mpi4py.MPI`` starts MPI, which only the MPI ops
#: should do.
mpi_enabled: bool = importlib.util.find_spec("mpi4py") is not None


def _comm():
    """``mpi4py``'s ``COMM_WORLD``, or a clear error when it is missing."""
    try:
        from mpi4py import MPI
    except ImportError as e:
        raise ImportError(
            "The MPI ops of aesara.tensor.io need mpi4py (and an MPI library); "
            "`pip install mpi4py`"
        ) from e
    return MPI.COMM_WORLD


class MPIRecv(Op):
    """Start receiving an array from process ``source``; outputs (request, buffer)."""

    __props__ = ("source", "tag", "shape", "dtype")

    def __init__(self, source: int, tag: int, shape: tuple, dtype: Any):
        self.source = source
        self.tag = tag
        self.shape = tuple(shape)
        self.dtype = np.dtype(dtype)
        self.static_shape = (None,) * len(self.shape)

    def make_node(self) -> Apply:
        return Apply(
            self,
            [],
            [
                Variable(Generic(), None),
                tensor(dtype=self.dtype, shape=self.static_shape),
            ],
        )

    def perform(self, node, inputs, output_storage, params=None) -> None:
        comm = _comm()
        data = np.zeros(self.shape, dtype=self.dtype)
        output_storage[0][0] = comm.Irecv(data, self.source, self.tag)
        output_storage[1][0] = data

    def infer_shape(self, fgraph, node, shapes):
        return [None, self.shape]

    def do_constant_folding(self, fgraph, node) -> bool:
        return False  # a message is received at run time, never at compile time

    def __str__(self) -> str:
        return (
            f"MPIRecv{{source: {int(self.source)}, tag: {int(self.tag)}, "
            f"shape: {self.shape}, dtype: {self.dtype}}}"
        )


class MPIRecvWait(Op):
    """Wait for a receive started by :class:`MPIRecv`; outputs the filled buffer."""

    __props__ = ("tag",)
    view_map = {0: [1]}

    def __init__(self, tag: int):
        self.tag = tag

    def make_node(self, request, data) -> Apply:
        return Apply(self, [request, data], [data.type()])

    def perform(self, node, inputs, output_storage, params=None) -> None:
        request, data = inputs
        request.wait()
        output_storage[0][0] = data

    def infer_shape(self, fgraph, node, shapes):
        return [shapes[1]]


class MPISend(Op):
    """Start sending an array to process ``dest``; outputs (request, the array)."""

    __props__ = ("dest", "tag")
    view_map = {1: [0]}

    def __init__(self, dest: int, tag: int):
        self.dest = dest
        self.tag = tag

    def make_node(self, data) -> Apply:
        return Apply(self, [data], [Variable(Generic(), None), data.type()])

    def perform(self, node, inputs, output_storage, params=None) -> None:
        comm = _comm()
        data = inputs[0]
        output_storage[0][0] = comm.Isend(data, self.dest, self.tag)
        output_storage[1][0] = data

    def __str__(self) -> str:
        return f"MPISend{{dest: {int(self.dest)}, tag: {int(self.tag)}}}"


class MPISendWait(Op):
    """Wait for a send started by :class:`MPISend`; outputs ``True``."""

    __props__ = ("tag",)

    def __init__(self, tag: int):
        self.tag = tag

    def make_node(self, request, data) -> Apply:
        return Apply(self, [request, data], [Variable(Generic(), None)])

    def perform(self, node, inputs, output_storage, params=None) -> None:
        inputs[0].wait()
        output_storage[0][0] = True


def isend(var, dest: int, tag: int):
    """Start sending ``var`` to process ``dest`` (non-blocking)."""
    return MPISend(dest, tag)(var)


def send(var, dest: int, tag: int):
    """Send ``var`` to process ``dest`` and wait until it is sent."""
    return MPISendWait(tag)(*isend(var, dest, tag))


def irecv(shape: tuple, dtype: Any, source: int, tag: int):
    """Start receiving an array from process ``source`` (non-blocking)."""
    return MPIRecv(source, tag, shape, dtype)()


def recv(shape: tuple, dtype: Any, source: int, tag: int):
    """Receive an array from process ``source`` (waits for it)."""
    return MPIRecvWait(tag)(*irecv(shape, dtype, source, tag))


def mpi_send_wait_key(a: Apply) -> int:
    """Schedule key: MPI starts first (-1), MPI waits last (1), others between."""
    if isinstance(a.op, (MPIRecvWait, MPISendWait)):
        return 1
    if isinstance(a.op, (MPIRecv, MPISend)):
        return -1
    return 0


def mpi_tag_key(a: Apply) -> int:
    """Schedule key: the tag of an MPI node (0 for other nodes)."""
    if isinstance(a.op, (MPISend, MPIRecv, MPIRecvWait, MPISendWait)):
        return a.op.tag
    return 0


mpi_send_wait_cmp = key_to_cmp(mpi_send_wait_key)
mpi_tag_cmp = key_to_cmp(mpi_tag_key)
mpi_keys = (mpi_send_wait_key, mpi_tag_key)
mpi_cmps = (mpi_send_wait_cmp, mpi_tag_cmp)
