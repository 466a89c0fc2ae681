"""Names Aesara 2.9 has that the ecosystem (AePPL, AeHMC, AeMCMC) imports."""

import os

import numpy as np
import pytest

import aesara
import aesara.tensor as at
from aesara.tensor.elemwise import DimShuffle


def test_graph_package_exports_rewrite_helpers():
    from aesara.graph import RewriteDatabaseQuery, node_rewriter, rewrite_graph
    from aesara.graph.rewriting import db, utils

    assert RewriteDatabaseQuery is db.RewriteDatabaseQuery
    assert rewrite_graph is utils.rewrite_graph
    query = RewriteDatabaseQuery(include=["canonicalize"])
    assert "canonicalize" in query.include
    assert callable(node_rewriter)


def test_true_and_floor_divide():
    from aesara.tensor.math import floor_div, floor_divide, true_div, true_divide

    assert at.true_divide is true_divide is true_div
    assert at.floor_divide is floor_divide is floor_div
    x = at.dvector("x")
    y = at.dvector("y")
    f = aesara.function([x, y], [true_divide(x, y), floor_divide(x, y)])
    a = np.array([7.0, -7.0, 1.5])
    b = np.array([2.0, 2.0, 0.5])
    q, fq = f(a, b)
    np.testing.assert_allclose(q, a / b)
    np.testing.assert_allclose(fq, a // b)
    i = at.lvector()
    g = aesara.function([i], floor_divide(i, 3))
    np.testing.assert_array_equal(g(np.array([-7, 7])), [-3, 2])


def test_private_dot_op():
    from aesara.tensor._products import Dot
    from aesara.tensor.math import _dot

    assert isinstance(_dot, Dot)
    x = at.dmatrix()
    v = at.dvector()
    out = _dot(x, v)
    assert out.owner.op is _dot
    f = aesara.function([x, v], out)
    m = np.arange(6.0).reshape(2, 3)
    np.testing.assert_allclose(f(m, np.ones(3)), m @ np.ones(3))


def test_is_basic_idx():
    from aesara.tensor.subtensor import is_basic_idx
    from aesara.tensor.type_other import NoneConst, make_slice

    assert is_basic_idx(slice(1, None))
    assert is_basic_idx(None)
    assert is_basic_idx(NoneConst)
    assert is_basic_idx(make_slice(at.iscalar(), None, None))
    assert not is_basic_idx(1)
    assert not is_basic_idx(at.iscalar())
    assert not is_basic_idx(at.lvector())
    assert not is_basic_idx(np.array([0, 1]))


def test_dimshuffle_c_func_file_path():
    path = DimShuffle.get_path(DimShuffle.c_func_file)
    assert os.path.isabs(path)
    assert path.endswith(os.path.join("c_code", "dimshuffle.c"))
    assert os.path.dirname(os.path.dirname(path)) == os.path.dirname(
        os.path.realpath(aesara.tensor.elemwise.__file__)
    )
    assert DimShuffle.get_path("/abs/file.c") == "/abs/file.c"
    with pytest.raises(TypeError, match="path"):
        DimShuffle.get_path(3)

    class Sub(DimShuffle):
        c_func_file = DimShuffle.get_path(DimShuffle.c_func_file)

    op = Sub((False,), ("x", 0))
    assert op.c_func_file == path
    assert op(at.dvector()).type.shape == (1, None)
