"""Sparse op-database entries: products (structured, true, sampled, dense-result dot, usmm)."""

from __future__ import annotations

import numpy as np
import scipy.sparse

import aesara.sparse as sp
import aesara.sparse.rewriting as sp_rewriting
from tests.op_db import ErrorSample, Sample
from tests.op_db.sparse import ALL_DTYPES, SparseOpInfo, random_sparse, register_sparse

_SHAPE = (5, 4)
# The dtypes of the layouts that need not be checked for all twelve.
_same_dtypes = ("float32", "float64", "int64", "complex128")


def _dense(rng, shape, dtype):
    return random_sparse(rng, shape, "csr", dtype, density=1.0).toarray()


def _result_dtype(*xs) -> str:
    return np.result_type(*[x.dtype for x in xs]).name


def _spd_samples(
    dense_left: bool = False,
    dtypes=ALL_DTYPES,
    vector: bool = False,
    mixed: bool = True,
):
    """Sparse-dense operand pairs: every format and dtype, mixed dtypes, special matrices.

    ``dense_left`` puts the dense operand first; ``vector`` makes it a vector;
    ``mixed`` adds operands of different dtypes.
    """

    def dense_for(rng, m, dtype):
        n = m.shape[0] if dense_left else m.shape[1]
        if vector:
            return _dense(rng, (1, n), dtype)[0]
        return _dense(rng, (3, n), dtype) if dense_left else _dense(rng, (n, 3), dtype)

    def pair(m, d):
        return (d, m) if dense_left else (m, d)

    def samples(rng):
        out = []
        for fmt in ("csr", "csc"):
            for dtype in dtypes:
                m = random_sparse(rng, _SHAPE, fmt, dtype)
                out.append(
                    Sample(pair(m, dense_for(rng, m, dtype)), name=f"{fmt}-{dtype}")
                )
            mixes = (
                ("int32-float32", ("int32", "float32")),
                ("f32-f64", ("float32", "float64")),
            )
            for kind, dd in mixes if mixed else ():
                m = random_sparse(rng, _SHAPE, fmt, dd[0])
                out.append(
                    Sample(pair(m, dense_for(rng, m, dd[1])), name=f"{fmt}-{kind}")
                )
            specials = {
                "explicit-zeros": dict(explicit_zeros=True),
                "unsorted": dict(unsorted=True),
                "all-zero": dict(density=0.0),
            }
            for kind, kw in specials.items():
                m = random_sparse(rng, _SHAPE, fmt, "float64", **kw)
                out.append(
                    Sample(pair(m, dense_for(rng, m, "float64")), name=f"{fmt}-{kind}")
                )
            for kind, shp in (("no-rows", (0, 4)), ("no-inner", (5, 0))):
                m = random_sparse(rng, shp, fmt, "float64")
                out.append(
                    Sample(pair(m, dense_for(rng, m, "float64")), name=f"{fmt}-{kind}")
                )
        return out

    return samples


def _ss_samples(
    dtypes=("float32", "float64", "int64", "complex128"), explicit_zeros=True
):
    """Sparse-sparse operand pairs: all format pairs, a few dtypes, special matrices."""

    def samples(rng):
        out = []
        for fa in ("csr", "csc"):
            for fb in ("csr", "csc"):
                for dtype in dtypes:
                    a = random_sparse(rng, _SHAPE, fa, dtype)
                    b = random_sparse(rng, (4, 3), fb, dtype)
                    out.append(Sample((a, b), name=f"{fa}-{fb}-{dtype}"))
            a = random_sparse(
                rng, _SHAPE, fa, "float64", unsorted=True, explicit_zeros=explicit_zeros
            )
            b = random_sparse(rng, (4, 3), fa, "float64", unsorted=True)
            out.append(Sample((a, b), name=f"{fa}-special"))
            a = random_sparse(rng, (0, 4), fa, "float64")
            out.append(
                Sample(
                    (a, random_sparse(rng, (4, 3), fa, "float64")), name=f"{fa}-empty"
                )
            )
        return out

    return samples


def _ref_dense_product(x, y):
    res = x @ y
    res = res.toarray() if scipy.sparse.issparse(res) else np.asarray(res)
    return res.astype(_result_dtype(x, y))


def _ref_sparse_product(fmt_of):
    def ref(x, y):
        res = x @ y
        cls = (
            scipy.sparse.csr_matrix
            if fmt_of(x, y) == "csr"
            else scipy.sparse.csc_matrix
        )
        return cls(res).astype(_result_dtype(x, y))

    return ref


_two_dense = ErrorSample(
    (np.zeros((2, 2)), np.zeros((2, 2))),
    TypeError,
    "at least one sparse",
    name="dense-dense",
)

register_sparse(
    SparseOpInfo(
        name="structured_dot_sparse_dense",
        build=lambda x, y: sp.structured_dot(x, y),
        ref=_ref_dense_product,
        samples=_spd_samples(),
        errors=[
            _two_dense,
            ErrorSample(
                (random_sparse(np.random.default_rng(0), (3, 4)), np.zeros(4)),
                NotImplementedError,
                "non-matrix",
                name="vector",
            ),
            ErrorSample(
                (random_sparse(np.random.default_rng(0), (3, 4)), np.zeros((3, 2))),
                ValueError,
                "shape mismatch",
                at_build=False,
                name="mismatch",
            ),
        ],
        differentiable=True,
        structured_grad=True,
        family="products",
    )
)

register_sparse(
    SparseOpInfo(
        name="structured_dot_dense_sparse",
        build=lambda x, y: sp.structured_dot(x, y),
        ref=_ref_dense_product,
        samples=_spd_samples(dense_left=True, dtypes=_same_dtypes),
        differentiable=True,
        structured_grad=True,
        family="products",
    )
)

register_sparse(
    SparseOpInfo(
        name="structured_dot_sparse_sparse",
        build=lambda x, y: sp.structured_dot(x, y),
        ref=_ref_sparse_product(lambda x, y: x.format),
        samples=_ss_samples(),
        # A product through a stored zero of x can vanish from the result's
        # pattern (SciPy drops zero sums), where the structured output
        # gradient is then masked: check the gradient without stored zeros.
        grad_samples=_ss_samples(explicit_zeros=False),
        differentiable=True,
        structured_grad=True,
        family="products",
    )
)

register_sparse(
    SparseOpInfo(
        name="true_dot_sparse_dense",
        build=lambda x, y: sp.true_dot(x, y),
        ref=_ref_sparse_product(lambda x, y: x.format),
        samples=_spd_samples(dtypes=_same_dtypes, mixed=False),
        errors=[
            ErrorSample(
                (
                    random_sparse(np.random.default_rng(0), (3, 4)),
                    np.zeros((4, 2), "float32"),
                ),
                NotImplementedError,
                "one dtype",
                name="mixed-dtypes",
            ),
            ErrorSample(
                (np.zeros((2, 2)), np.zeros((2, 2))),
                TypeError,
                "sparse",
                name="dense-dense",
            ),
            ErrorSample(
                (random_sparse(np.random.default_rng(0), (3, 4)), np.zeros((3, 2))),
                ValueError,
                "shape mismatch",
                at_build=False,
                name="mismatch",
            ),
        ],
        differentiable=True,
        family="products",
    )
)

register_sparse(
    SparseOpInfo(
        name="true_dot_dense_sparse",
        build=lambda x, y: sp.true_dot(x, y),
        # (y.T @ x.T).T: y.T has the other format, and transposing back restores y's.
        ref=_ref_sparse_product(lambda x, y: y.format),
        samples=_spd_samples(dense_left=True, dtypes=_same_dtypes, mixed=False),
        differentiable=True,
        family="products",
    )
)

register_sparse(
    SparseOpInfo(
        name="true_dot_sparse_sparse",
        build=lambda x, y: sp.true_dot(x, y),
        ref=_ref_sparse_product(lambda x, y: x.format),
        samples=_ss_samples(),
        differentiable=True,
        family="products",
    )
)

for _name, _left, _vec in (
    ("dot_sparse_dense", False, False),
    ("dot_dense_sparse", True, False),
    ("dot_sparse_vector", False, True),
    ("dot_vector_sparse", True, True),
):
    register_sparse(
        SparseOpInfo(
            name=_name,
            build=lambda x, y: sp.dot(x, y),
            ref=_ref_dense_product,
            # Every dtype once (sparse @ dense matrix); a few for the other layouts.
            samples=_spd_samples(
                dense_left=_left,
                vector=_vec,
                dtypes=ALL_DTYPES if _name == "dot_sparse_dense" else _same_dtypes,
            ),
            errors=[
                ErrorSample(
                    (np.zeros((2, 2)), np.zeros((2, 2))),
                    TypeError,
                    "at least one sparse",
                    name="dense-dense",
                ),
                ErrorSample(
                    (
                        random_sparse(np.random.default_rng(0), (3, 4)),
                        np.zeros((4, 2, 2)),
                    ),
                    TypeError,
                    "ndim of 1 or 2",
                    name="3d",
                ),
                ErrorSample(
                    (random_sparse(np.random.default_rng(0), (3, 4)), np.zeros(3)),
                    ValueError,
                    "shape mismatch",
                    at_build=False,
                    name="mismatch",
                ),
            ]
            if _name == "dot_sparse_dense"
            else [],
            differentiable=True,
            family="products",
        )
    )

register_sparse(
    SparseOpInfo(
        name="dot_sparse_sparse",
        build=lambda x, y: sp.dot(x, y),
        ref=_ref_dense_product,
        samples=_ss_samples(),
        differentiable=True,
        family="products",
    )
)


def _sampling_samples(symbolic_p: bool):
    def samples(rng):
        out = []
        for fmt in ("csr", "csc"):
            for dtype, pd in (
                ("float64", "float64"),
                ("float32", "float32"),
                ("float64", "float32"),
                ("int64", "int64"),
                ("complex128", "complex128"),
            ):
                x = _dense(rng, (5, 3), dtype)
                y = _dense(rng, (4, 3), dtype)
                for kind, kw in (
                    ("", {}),
                    ("-special", dict(explicit_zeros=True, unsorted=True)),
                ):
                    if kind and dtype != "float64":
                        continue
                    p = random_sparse(rng, (5, 4), fmt, pd, **kw)
                    args, kwargs = ((x, y, p), {}) if symbolic_p else ((x, y), {"p": p})
                    out.append(
                        Sample(args, kwargs=kwargs, name=f"{fmt}-{dtype}-{pd}{kind}")
                    )
            p = random_sparse(rng, (0, 4), fmt, "float64")
            args = (np.zeros((0, 3)), _dense(rng, (4, 3), "float64"))
            out.append(
                Sample(args + (p,), name=f"{fmt}-empty")
                if symbolic_p
                else Sample(args, kwargs={"p": p}, name=f"{fmt}-empty")
            )
        return out

    return samples


def _sampling_ref(x, y, p):
    res = type(p)(p.multiply(x @ y.T))
    return res.astype(p.dtype)


register_sparse(
    SparseOpInfo(
        name="sampling_dot",
        build=lambda x, y, p: sp.sampling_dot(x, y, p),
        ref=_sampling_ref,
        samples=_sampling_samples(True),
        errors=[
            ErrorSample(
                (np.zeros((2, 2)), np.zeros((2, 2)), np.zeros((2, 2))),
                TypeError,
                "sparse",
                name="dense-p",
            ),
            ErrorSample(
                (
                    np.zeros(2),
                    np.zeros((2, 2)),
                    random_sparse(np.random.default_rng(0), (2, 2)),
                ),
                TypeError,
                "x must be a matrix",
                name="vector-x",
            ),
            ErrorSample(
                (
                    np.zeros((3, 2)),
                    np.zeros((2, 2)),
                    random_sparse(np.random.default_rng(0), (2, 2)),
                ),
                ValueError,
                "shape mismatch",
                at_build=False,
                name="mismatch",
            ),
        ],
        family="products",
    )
)

register_sparse(
    SparseOpInfo(
        name="sampling_dot_grad_xy",
        # p a constant: it has no gradient.
        build=lambda x, y, p: sp.sampling_dot(x, y, sp.as_sparse_variable(p)),
        ref=_sampling_ref,
        samples=_sampling_samples(False),
        # float32 results are too coarse for finite differences.
        grad_samples=lambda rng: [
            s
            for s in _sampling_samples(False)(rng)
            if s.kwargs["p"].dtype == np.float64
        ],
        differentiable=True,
        family="products",
    )
)


def _usmm_samples(rng):
    out = []
    for fmt in ("csr", "csc"):
        for dtype in ("float32", "float64", "int64", "complex128"):
            m = random_sparse(rng, _SHAPE, fmt, dtype)
            d = _dense(rng, (4, 3), dtype)
            z = _dense(rng, (5, 3), dtype)
            alpha = np.asarray(_dense(rng, (1, 1), dtype)[0, 0])
            out.append(Sample((alpha, m, d, z), name=f"{fmt}-{dtype}-sparse-dense"))
            d2 = _dense(rng, (3, 5), dtype)
            z2 = _dense(rng, (3, 4), dtype)
            out.append(Sample((alpha, d2, m, z2), name=f"{fmt}-{dtype}-dense-sparse"))
        m = random_sparse(
            rng, _SHAPE, fmt, "float32", unsorted=True, explicit_zeros=True
        )
        out.append(
            Sample(
                (
                    np.asarray(2.0),
                    m,
                    _dense(rng, (4, 3), "float64"),
                    _dense(rng, (5, 3), "float32"),
                ),
                name=f"{fmt}-mixed-special",
            )
        )
    return out


def _usmm_ref(alpha, x, y, z):
    prod = x @ y
    prod = prod.toarray() if scipy.sparse.issparse(prod) else np.asarray(prod)
    return (alpha * prod + z).astype(_result_dtype(alpha, x, y, z))


register_sparse(
    SparseOpInfo(
        name="usmm",
        build=lambda a, x, y, z: sp.usmm(a, x, y, z),
        ref=_usmm_ref,
        samples=_usmm_samples,
        errors=[
            ErrorSample(
                (np.asarray(1.0), np.zeros((2, 2)), np.zeros((2, 2)), np.zeros((2, 2))),
                TypeError,
                "sparse x or y",
                name="dense",
            ),
            ErrorSample(
                (
                    np.zeros(2),
                    random_sparse(np.random.default_rng(0), (2, 2)),
                    np.zeros((2, 2)),
                    np.zeros((2, 2)),
                ),
                TypeError,
                "alpha must be a scalar",
                name="alpha-vector",
            ),
            ErrorSample(
                (
                    np.asarray(1.0),
                    random_sparse(np.random.default_rng(0), (2, 2)),
                    np.zeros((2, 2)),
                    np.zeros(2),
                ),
                TypeError,
                "z must be a matrix",
                name="z-vector",
            ),
            ErrorSample(
                (
                    np.asarray(1.0),
                    random_sparse(np.random.default_rng(0), (2, 2)),
                    np.zeros((2, 2)),
                    np.zeros((3, 2)),
                ),
                ValueError,
                "z has shape",
                at_build=False,
                name="z-mismatch",
            ),
        ],
        family="products",
    )
)


def _sdg_samples(fmt):
    def samples(rng):
        out = []
        for dtype in ("float32", "float64", "complex128", "int64"):
            a = random_sparse(rng, _SHAPE, fmt, "float64")
            b = _dense(rng, (4, 3), dtype)
            g = _dense(rng, (5, 3), dtype)
            out.append(Sample((a.indices, a.indptr, b, g), name=dtype))
        a = random_sparse(rng, _SHAPE, fmt, "float64", unsorted=True)
        b, g = _dense(rng, (4, 3), "float64"), _dense(rng, (5, 3), "float64")
        out.append(
            Sample(
                (a.indices.astype("int64"), a.indptr.astype("int64"), b, g),
                name="unsorted-int64",
            )
        )
        a = random_sparse(rng, _SHAPE, fmt, "float64", density=0.0)
        out.append(Sample((a.indices, a.indptr, b, g), name="no-entries"))
        return out

    return samples


def _sdg_ref(fmt):
    def ref(indices, indptr, b, g):
        shape = _SHAPE
        cls = scipy.sparse.csr_matrix if fmt == "csr" else scipy.sparse.csc_matrix
        pattern = cls((np.ones(len(indices)), indices, indptr), shape=shape)
        coo = pattern.tocoo()
        full = g @ b.T
        dtype = g.dtype if fmt == "csc" else b.dtype
        # tocoo keeps the storage order, so the values line up with indices.
        return full[coo.row, coo.col].astype(dtype)

    return ref


for _fmt, _op in (("csr", sp.sdg_csr), ("csc", sp.sdg_csc)):
    register_sparse(
        SparseOpInfo(
            name=f"structured_dot_grad_{_fmt}",
            build=lambda i, p, b, g, _op=_op: _op(i, p, b, g),
            ref=_sdg_ref(_fmt),
            samples=_sdg_samples(_fmt),
            errors=[
                ErrorSample(
                    (
                        np.zeros(2),
                        np.zeros(3, "int32"),
                        np.zeros((2, 2)),
                        np.zeros((2, 2)),
                    ),
                    TypeError,
                    "a_indices must be a vector of int32/int64",
                    name="float-indices",
                ),
                ErrorSample(
                    (
                        np.zeros(0, "int32"),
                        np.zeros(3, "int32"),
                        np.zeros((2, 2)),
                        np.zeros((2, 3)),
                    ),
                    ValueError,
                    "columns",
                    at_build=False,
                    name="column-mismatch",
                ),
                ErrorSample(
                    (
                        np.array([0, 7], "int32"),
                        np.array([0, 1, 2], "int32"),
                        np.zeros((2, 2)),
                        np.zeros((2, 2)),
                    ),
                    ValueError,
                    "out of range",
                    at_build=False,
                    name="index-out-of-range",
                ),
            ],
            family="products",
        )
    )


def _sd_buffer_samples(fmt):
    def samples(rng):
        out = []
        for dtype, bdtype in (
            ("float64", "float64"),
            ("float32", "float64"),
            ("int64", "int64"),
        ):
            a = random_sparse(rng, _SHAPE, fmt, dtype, unsorted=dtype == "float64")
            b = _dense(rng, (4, 3), bdtype)
            bufs = (a.data, a.indices, a.indptr)
            args = bufs + ((np.int64(a.shape[0]),) if fmt == "csc" else ()) + (b,)
            out.append(Sample(args, name=f"{dtype}-{bdtype}"))
        return out

    return samples


def _sd_buffer_ref(fmt):
    def ref(*args):
        if fmt == "csc":
            data, ind, ptr, nrows, b = args
            a = scipy.sparse.csc_matrix(
                (data, ind, ptr), shape=(int(nrows), b.shape[0])
            )
        else:
            data, ind, ptr, b = args
            a = scipy.sparse.csr_matrix(
                (data, ind, ptr), shape=(len(ptr) - 1, b.shape[0])
            )
        return np.asarray(a @ b).astype(_result_dtype(data, b))

    return ref


for _fmt, _op in (("csr", sp_rewriting.sd_csr), ("csc", sp_rewriting.sd_csc)):
    register_sparse(
        SparseOpInfo(
            name=f"structured_dot_buffers_{_fmt}",
            build=lambda *args, _op=_op: _op(*args),
            ref=_sd_buffer_ref(_fmt),
            samples=_sd_buffer_samples(_fmt),
            errors=[
                ErrorSample(
                    (np.zeros(1), np.zeros(1, "int32"), np.array([0, 1], "int32"))
                    + ((np.int64(1),) if _fmt == "csc" else ())
                    + (np.zeros(3),),
                    TypeError,
                    "b must be a matrix",
                    name="vector-b",
                ),
            ],
            family="products",
        )
    )
