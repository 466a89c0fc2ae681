"""Tensor graph rewrites, registered in :data:`aesara.compile.mode.optdb` on import."""

import aesara.tensor.rewriting._sigmoid
import aesara.tensor.rewriting._stabilize
import aesara.tensor.rewriting.basic
import aesara.tensor.rewriting.blas
import aesara.tensor.rewriting.elemwise
import aesara.tensor.rewriting.fusion
import aesara.tensor.rewriting.inplace
import aesara.tensor.rewriting.math
import aesara.tensor.rewriting.shape
import aesara.tensor.rewriting.special
import aesara.tensor.rewriting.subtensor
