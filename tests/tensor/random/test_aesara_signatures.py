"""Random-variable details code written for Aesara 2.9 relies on."""

import numpy as np
import pytest

import aesara
import aesara.tensor as at
from aesara.graph.basic import Constant
from aesara.tensor.basic import get_scalar_constant_value
from aesara.tensor.exceptions import NotScalarConstantError
from aesara.tensor.random.basic import (
    CategoricalRV,
    DirichletRV,
    MvNormalRV,
    NormalRV,
    ScipyRandomVariable,
)
from aesara.tensor.random.utils import normalize_size_param


def test_rng_fn_callable_on_the_class():
    # AePPL draws reference values with ``CategoricalRV.rng_fn(rng, p, size)``.
    rng = np.random.default_rng(0)
    draws = CategoricalRV.rng_fn(rng, np.array([0.0, 1.0, 0.0]), (4,))
    np.testing.assert_array_equal(draws, [1, 1, 1, 1])
    d = DirichletRV.rng_fn(np.random.default_rng(1), np.ones((2, 3)), None)
    assert d.shape == (2, 3)
    np.testing.assert_allclose(d.sum(-1), 1.0)
    m = MvNormalRV.rng_fn(np.random.default_rng(2), np.zeros(2), np.eye(2), (5,))
    assert m.shape == (5, 2)
    # The scipy-based ones too; NumPy-method ones stay instance methods, as
    # in Aesara (they read the instance's ``name``).
    assert isinstance(ScipyRandomVariable.__dict__["rng_fn"], classmethod)
    n = NormalRV().rng_fn(np.random.default_rng(3), 0.0, 1.0, (3,))
    assert n.shape == (3,)


def test_zero_d_symbolic_size_is_one_entry():
    n = at.lscalar("n")
    size = normalize_size_param(n)
    assert size.type.ndim == 1 and size.type.shape == (1,)
    x = at.random.normal(0.0, 1.0, size=n)
    assert x.type.ndim == 1
    f = aesara.function([n], x.shape)
    np.testing.assert_array_equal(f(4), [4])


def test_zero_d_constant_size_keeps_static_shape():
    size = normalize_size_param(at.as_tensor(3))
    assert isinstance(size, Constant) and size.type.dtype == "int64"
    np.testing.assert_array_equal(size.data, [3])
    assert at.random.normal(0.0, 1.0, size=at.as_tensor(3)).type.shape == (3,)
    with pytest.raises(TypeError, match="integers"):
        normalize_size_param(at.dscalar())


def test_scalar_constant_value_through_subtensor_of_constant():
    c = at.constant(np.array([[2, 3], [4, 5]]))
    assert get_scalar_constant_value(c[1, 0]) == 4
    assert get_scalar_constant_value(at.constant(np.array([7, 8]))[-1]) == 8
    # Not a single element: not a scalar constant.
    with pytest.raises(NotScalarConstantError):
        get_scalar_constant_value(c[0])
    # RVs whose size is built from such entries keep their static shape.
    shape = at.constant(np.array([2, 3]))
    x = at.random.normal(0.0, 1.0, size=[shape[1], shape[0]])
    assert x.type.shape == (3, 2)


def test_take_along_axis_defaults_to_axis_zero():
    a = at.dmatrix("a")
    i = at.lmatrix("i")
    f = aesara.function([a, i], at.take_along_axis(a, i))
    av = np.arange(6.0).reshape(3, 2)
    iv = np.array([[2, 0]])
    np.testing.assert_array_equal(f(av, iv), np.take_along_axis(av, iv, axis=0))


def test_scan_without_mode_holds_the_default_mode_object():
    from aesara.compile.mode import Mode, get_default_mode

    x = at.dvector("x")
    out, _ = aesara.scan(lambda v: v * 2, sequences=[x])
    op = out.owner.op
    assert isinstance(op.mode, Mode) and op.mode is get_default_mode()
    # Code built on Scan copies and tags it (AePPL does).
    import copy

    tagged = copy.copy(op.mode)
    tagged.had_logprob_rewrites = True
    assert not getattr(op.mode, "had_logprob_rewrites", False)
