"""Tensor graph rewrites, registered in :data:`aesara.compile.mode.optdb` on import."""

# Assert rewrites register with their op: importing it here keeps the rewrite
# database the same before and after a graph first uses an Assert (the rewrite
# cache keys on it).
import aesara.raise_op  # noqa: E402, F401
import aesara.tensor.rewriting._sigmoid
import aesara.tensor.rewriting._stabilize
import aesara.tensor.rewriting.basic
import aesara.tensor.rewriting.blas
import aesara.tensor.rewriting.elemwise
import aesara.tensor.rewriting.extra_ops
import aesara.tensor.rewriting.fusion
import aesara.tensor.rewriting.inplace
import aesara.tensor.rewriting.jax
import aesara.tensor.rewriting.math
import aesara.tensor.rewriting.shape
import aesara.tensor.rewriting.special
import aesara.tensor.rewriting.subtensor
import aesara.tensor.rewriting.uncanonicalize
