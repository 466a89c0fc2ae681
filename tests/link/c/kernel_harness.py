"""Run generated element-wise kernels from Python through ctypes (tests only).

Mimics what the C runtime does: broadcast the operands, allocate the
outputs, build the operand-major stride table (0 on broadcast dimensions)
and call ``aesara_kernel``.
"""

from __future__ import annotations

import ctypes

import numpy as np

from aesara.link.c.compiler import compile_shared_library
from aesara.link.c.elemwise_codegen import KERNEL_ABI_VERSION, elemwise_kernel

_libs: dict = {}


def load_kernel(scalar_op, in_dtypes, out_dtypes, cache=None):
    kernel = elemwise_kernel(scalar_op, in_dtypes, out_dtypes)
    path = compile_shared_library(kernel.source, "elemwise", cache=cache)
    lib = _libs.get(str(path))
    if lib is None:
        lib = _libs[str(path)] = ctypes.CDLL(str(path))
    assert ctypes.c_int.in_dll(lib, "aesara_kernel_abi").value == KERNEL_ABI_VERSION
    fn = lib.aesara_kernel
    fn.restype = ctypes.c_int
    return kernel, fn


def run_kernel(fn, inputs, out_dtypes, inplace=None):
    """Call a kernel on NumPy arrays, as the runtime would.

    ``inplace`` maps an output to the input whose array it is written into
    (the input must have the output's shape and dtype; it is overwritten).
    """
    shape = np.broadcast_shapes(*(np.shape(x) for x in inputs))
    nd = len(shape)
    inplace = inplace or {}
    outs = [
        inputs[inplace[j]] if j in inplace else np.empty(shape, dtype=dt)
        for j, dt in enumerate(out_dtypes)
    ]
    operands = list(inputs) + outs
    strides = []
    for arr in operands:
        pad = nd - arr.ndim
        for d in range(nd):
            if d < pad or arr.shape[d - pad] == 1:
                strides.append(0)
            else:
                strides.append(arr.strides[d - pad])
    LL = ctypes.c_longlong
    c_shape = (LL * max(nd, 1))(*shape)
    c_strides = (LL * max(len(strides), 1))(*strides)
    c_ptrs = (ctypes.c_void_p * len(operands))(*(a.ctypes.data for a in operands))
    assert fn(nd, c_shape, c_ptrs, c_strides) == 0
    return outs
