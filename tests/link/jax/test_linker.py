"""The JAX linker: whole graphs as one ``jax.jit`` function, mode ``"JAX"``."""

from __future__ import annotations

import threading

import numpy as np
import pytest

jax = pytest.importorskip("jax", reason="the JAX backend needs the jax package")

import aesara  # noqa: E402
import aesara.tensor as at  # noqa: E402
from aesara.compile.mode import get_mode  # noqa: E402
from aesara.compile.sharedvalue import shared  # noqa: E402
from aesara.graph.basic import Apply  # noqa: E402
from aesara.graph.op import Op  # noqa: E402
from aesara.ifelse import ifelse  # noqa: E402
from aesara.link.jax import JAXLinker, jax_function  # noqa: E402
from aesara.link.jax.dispatch.basic import JAXTranslationError  # noqa: E402
from aesara.raise_op import Assert, CheckAndRaise  # noqa: E402


def jfunction(*args, **kwargs):
    return aesara.function(*args, mode="JAX", **kwargs)


def test_mode_uses_the_jax_linker_without_inplace_or_blas():
    mode = get_mode("JAX")
    assert isinstance(mode.linker, JAXLinker)
    x = at.dmatrix("x")
    y = at.dmatrix("y")
    f = jfunction([x, y], at.exp(x @ y) + 1)
    ops = [type(n.op).__name__ for n in f.maker.fgraph.toposort()]
    assert not any(n.op.destroy_map for n in f.maker.fgraph.toposort()), ops
    assert not any(name in ("Gemm", "Dot22", "Gemv", "Ger") for name in ops), ops
    xv = np.arange(6.0).reshape(2, 3) / 10
    yv = np.ones((3, 2))
    np.testing.assert_allclose(f(xv, yv), np.exp(xv @ yv) + 1)


def test_outputs_are_numpy_arrays_with_aesara_dtypes():
    x = at.fvector("x")
    i = at.ivector("i")
    f = jfunction([x, i], [x * 2, i + 1, (x > 0).sum(), x.mean()])
    xv = np.array([1.0, -2.0], dtype="float32")
    iv = np.array([3, 4], dtype="int32")
    outs = f(xv, iv)
    for out, sym in zip(outs, f.maker.fgraph.outputs):
        assert isinstance(out, np.ndarray)
        assert out.dtype == sym.type.dtype
    np.testing.assert_array_equal(outs[1], iv + 1)
    assert outs[2] == 1


def test_one_jitted_function_per_graph_and_repeated_calls():
    x = at.dvector("x")
    f = jfunction([x], at.tanh(x) * 2 + at.log1p(x**2))
    assert len(f.vm.thunks) == 1
    for n in (3, 5, 3):
        xv = np.linspace(0, 1, n)
        np.testing.assert_allclose(f(xv), np.tanh(xv) * 2 + np.log1p(xv**2))


def test_shared_variable_updates_are_written_back():
    w = shared(np.zeros(3), name="w")
    x = at.dvector("x")
    f = jfunction([x], w.sum(), updates=[(w, w + x)])
    f(np.ones(3))
    f(np.array([1.0, 2.0, 3.0]))
    value = w.get_value(borrow=True)
    np.testing.assert_allclose(value, [2.0, 3.0, 4.0])
    assert isinstance(value, np.ndarray) and value.flags.writeable
    assert f(np.zeros(3)) == 9.0


def test_concurrent_calls_share_the_compiled_function():
    x = at.dvector("x")
    f = jfunction([x], (x**2).sum())
    results = {}

    def call(k):
        results[k] = f(np.full(4, float(k)))

    threads = [threading.Thread(target=call, args=(k,)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == {k: 4.0 * k * k for k in range(6)}


# -- static shapes -------------------------------------------------------------------


def test_shapes_from_inputs_shapes_are_static():
    x = at.dmatrix("x")
    n = x.shape[0] * x.shape[1]
    f = jfunction([x], [x.reshape((n,)), at.zeros((x.shape[1], 2)), at.arange(n)])
    flat, zeros, rng = f(np.arange(6.0).reshape(2, 3))
    np.testing.assert_array_equal(flat, np.arange(6.0))
    assert zeros.shape == (3, 2)
    np.testing.assert_array_equal(rng, np.arange(6))


def test_integer_inputs_used_as_sizes_are_static_arguments():
    n = at.lscalar("n")
    x = at.dvector("x")
    f = jfunction([n, x], [at.ones((n,)) * x[0], at.arange(n) + x[1]])
    a, b = f(3, np.array([2.0, 5.0]))
    np.testing.assert_array_equal(a, [2.0, 2.0, 2.0])
    np.testing.assert_array_equal(b, [5.0, 6.0, 7.0])
    a, _ = f(5, np.array([1.0, 0.0]))
    assert a.shape == (5,)


def test_shape_from_data_is_a_clear_error():
    x = at.dvector("x")
    size = at.cast(x.sum(), "int64")
    out = at.zeros((size,))  # the line the error must point at
    with pytest.raises(JAXTranslationError, match="'x'.*data array") as err:
        jfunction([x], out)
    assert "out = at.zeros((size,))" in str(err.value)


def test_random_draw_deciding_a_shape_is_a_clear_error():
    from aesara.tensor.random.utils import RandomStream

    srng = RandomStream(seed=1)
    n = srng.poisson(3.0)
    with pytest.raises(JAXTranslationError, match="decides the shape"):
        jfunction([], at.zeros((n,)))


def test_data_array_deciding_a_shape_is_a_clear_error():
    x = at.dmatrix("x")
    with pytest.raises(JAXTranslationError, match="'x'.*data array"):
        jfunction([x], at.nonzero(x)[0])


# -- errors --------------------------------------------------------------------------


class PythonOnlyOp(Op):
    __props__ = ()

    def make_node(self, x):
        x = at.as_tensor_variable(x)
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, outputs):
        outputs[0][0] = inputs[0] + 1


def test_untranslated_op_names_the_op_and_the_users_line():
    x = at.dvector("x")
    y = PythonOnlyOp()(x)  # the line the error must point at
    with pytest.raises(JAXTranslationError) as err:
        jfunction([x], y * 2)
    msg = str(err.value)
    assert "PythonOnlyOp" in msg
    # The op is the user's: its output was built in this file.
    assert "test_linker.py" in msg


def test_bad_shapes_at_call_time_name_the_node():
    x = at.dvector("x")
    y = at.dvector("y")
    f = jfunction([x, y], x + y)
    with pytest.raises(TypeError, match="Apply node that caused the error"):
        f(np.ones(3), np.ones(4))


# -- control flow and checks -------------------------------------------------------


def test_ifelse_runs_the_chosen_branch():
    c = at.dscalar("c")
    x = at.dvector("x")
    out = ifelse(c > 0, at.exp(x), x - 1)
    f = jfunction([c, x], out)
    xv = np.array([0.0, 1.0])
    np.testing.assert_allclose(f(1.0, xv), np.exp(xv))
    np.testing.assert_allclose(f(-1.0, xv), xv - 1)


def test_ifelse_with_several_outputs_and_mixed_dtypes():
    c = at.lscalar("c")
    x = at.dvector("x")
    i = at.lvector("i")
    a, b = ifelse(at.eq(c, 0), [x * 2, i + 1], [x, i])
    f = jfunction([c, x, i], [a, b])
    r = f(0, np.array([1.5]), np.array([2]))
    np.testing.assert_allclose(r[0], [3.0])
    np.testing.assert_array_equal(r[1], [3])
    r = f(1, np.array([1.5]), np.array([2]))
    np.testing.assert_allclose(r[0], [1.5])


def test_assert_is_enforced():
    x = at.dvector("x")
    checked = Assert("x must be positive")(x, at.all(x > 0))
    f = jfunction([x], checked * 2)
    np.testing.assert_allclose(f(np.array([1.0, 2.0])), [2.0, 4.0])
    with pytest.raises(AssertionError, match="x must be positive"):
        f(np.array([1.0, -2.0]))
    # The function still works after a failed check.
    np.testing.assert_allclose(f(np.array([3.0])), [6.0])


def test_check_and_raise_raises_its_exception_type():
    class TooBig(ValueError):
        pass

    x = at.dscalar("x")
    checked = CheckAndRaise(TooBig, "x is too big")(x, x < 10)
    f = jfunction([x], checked + 1)
    assert f(1.0) == 2.0
    with pytest.raises(TooBig, match="x is too big"):
        f(11.0)


def test_index_out_of_bounds_check_in_graph():
    x = at.dvector("x")
    i = at.lscalar("i")
    f = jfunction([x, i], x[i])
    assert f(np.array([1.0, 2.0]), 1) == 2.0
    assert f(np.array([1.0, 2.0]), -1) == 2.0


# -- composition with JAX ----------------------------------------------------------


def test_plain_jax_function_composes_with_vmap_and_grad():
    x = at.dvector("x")
    w = at.dvector("w")
    f = jfunction([x, w], (at.tanh(x * w)).sum())
    fn = jax_function(f)
    xv = np.linspace(-1, 1, 4)
    wv = np.array([0.5, 1.0, 1.5, 2.0])
    (value,) = fn(xv, wv)
    np.testing.assert_allclose(value, np.tanh(xv * wv).sum())
    grad = jax.grad(lambda w_: fn(xv, w_)[0])(wv)
    np.testing.assert_allclose(grad, xv * (1 - np.tanh(xv * wv) ** 2))
    batch = np.stack([xv, 2 * xv])
    vals = jax.vmap(lambda x_: fn(x_, wv)[0])(batch)
    np.testing.assert_allclose(vals, [np.tanh(b * wv).sum() for b in batch])


def test_jax_funcify_of_a_function_graph():
    from aesara.graph.fg import FunctionGraph
    from aesara.link.jax import jax_funcify

    x = at.dvector("x")
    fg = FunctionGraph([x], [at.exp(x).sum(), x * 2])
    fn = jax.jit(jax_funcify(fg))
    total, doubled = fn(np.array([0.0, 1.0]))
    np.testing.assert_allclose(total, 1 + np.e)
    np.testing.assert_allclose(doubled, [0.0, 2.0])


def test_jax_function_of_another_mode_is_an_error():
    x = at.dvector("x")
    f = aesara.function([x], x + 1, mode="FAST_COMPILE")
    with pytest.raises(TypeError, match="not compiled with the JAX linker"):
        jax_function(f)


SHARDING_SCRIPT = """
import numpy as np
import jax
from jax.sharding import Mesh, NamedSharding, PartitionSpec
import aesara, aesara.tensor as at
from aesara.link.jax import jax_function

assert len(jax.devices()) == 4, jax.devices()
x = at.dmatrix("x")
w = at.dvector("w")
f = aesara.function([x, w], at.tanh(x @ w) + at.exp(x).sum(axis=1), mode="JAX")
fn = jax_function(f)
xv = np.random.default_rng(0).normal(size=(8, 3))
wv = np.array([0.1, 0.2, 0.3])
mesh = Mesh(np.array(jax.devices()), ("batch",))
xs = jax.device_put(xv, NamedSharding(mesh, PartitionSpec("batch", None)))
out = jax.jit(lambda a, b: fn(a, b)[0])(xs, wv)
assert len(out.sharding.device_set) == 4
np.testing.assert_allclose(np.asarray(out), f(xv, wv), rtol=1e-12)
print("OK")
"""


def test_sharded_batch_gives_the_single_device_answer(tmp_path):
    import os
    import subprocess
    import sys

    script = tmp_path / "shard.py"
    script.write_text(SHARDING_SCRIPT)
    env = dict(os.environ)
    env["XLA_FLAGS"] = "--xla_force_host_platform_device_count=4"
    env["JAX_PLATFORMS"] = "cpu"
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    proc = subprocess.run(
        [sys.executable, str(script)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "OK" in proc.stdout


def test_pickled_function_compiles_again():
    import pickle

    x = at.dvector("x")
    f = jfunction([x], at.exp(x).sum())
    g = pickle.loads(pickle.dumps(f))
    np.testing.assert_allclose(g(np.zeros(3)), 3.0)
    assert isinstance(g.maker.linker, JAXLinker)


@pytest.mark.parametrize(
    "index",
    [
        (slice(1, 3),),
        (slice(None, -1), 2),
        (-1,),
        (1, slice(-2, None)),
        (slice(3, 1),),  # empty
        (slice(None, None, 2),),  # a step: the general update
    ],
)
@pytest.mark.parametrize("set_instead", [True, False])
def test_set_and_inc_subtensor_of_a_box(index, set_instead):
    x = at.dmatrix("x")
    y = at.dvector("y")
    update = at.set_subtensor if set_instead else at.inc_subtensor
    out = update(x[index], y if x[index].ndim else y[0])
    xv = np.arange(12.0).reshape(4, 3)
    yv = np.array([10.0, 20.0, 30.0])
    f = jfunction([x, y], out)
    g = aesara.function([x, y], out, mode="FAST_COMPILE")
    if x[index].ndim and g.maker.fgraph.outputs[0].ndim:
        # Only the y lengths that broadcast against the box are valid.
        try:
            expected = g(xv, yv)
        except ValueError:
            yv = np.array([7.0])
            expected = g(xv, yv)
    else:
        expected = g(xv, yv)
    np.testing.assert_array_equal(f(xv, yv), expected)
    text = f.vm.jitted.lower(xv, yv).as_text()
    step = any(isinstance(e, slice) and e.step for e in index)
    assert ("scatter" in text) == step


def test_jit_linkers_take_the_c_call_path():
    from aesara.link.c.runtime import runtime_available

    if not runtime_available():
        pytest.skip("no C compiler: functions keep the Python call path")
    x = at.dvector("x")
    f = jfunction([x], x * 2)
    assert f._c_fast_call is not None
    np.testing.assert_allclose(f(np.arange(3.0)), [0.0, 2.0, 4.0])
    np.testing.assert_allclose(f([1, 2]), [2.0, 4.0])
    with pytest.raises(TypeError, match="x"):
        f(np.ones((2, 2)))


def test_update_of_an_empty_box_still_checks_the_value_shape():
    x = at.dmatrix("x")
    y = at.dmatrix("y")
    f = jfunction([x, y], at.set_subtensor(x[3:1], y))
    xv = np.ones((4, 3))
    np.testing.assert_array_equal(f(xv, np.zeros((0, 3))), xv)
    with pytest.raises(ValueError):
        f(xv, np.zeros((2, 3)))
