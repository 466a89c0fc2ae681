"""The C call path converts arguments exactly as ``TensorType.filter`` does.

``FastCall`` (call_path.c) converts the arguments it is sure about in C and
hands everything else to the input's filter. These tests call each compiled
function twice per argument, once through the C path (``f(arg)``) and once
through the Python path with the filter (``Function._py_call_owned``), over a
matrix of argument kinds x input dtypes x input settings (strict,
allow_downcast, floatX), and require the same outcome: the same stored value
(type, dtype, shape, strides, bytes, identity with the argument), the same
warnings, or the same exception with the same message.
"""

from __future__ import annotations

import warnings
import weakref

import numpy as np
import pytest

from aesara.compile.function import function
from aesara.compile.io import In
from aesara.compile.mode import Mode
from aesara.configdefaults import config
from aesara.link.c.compiler import c_compiler_available
from aesara.link.c.linker import make_fast_call
from aesara.tensor.type import TensorType, all_dtypes, dscalar, fscalar, tensor

pytestmark = pytest.mark.skipif(
    not c_compiler_available(), reason="needs a working C compiler"
)

CVM_MODE = Mode("cvm", "fast_run")

SETTINGS = {
    "default": {},
    "strict": {"strict": True},
    "allow_downcast": {"allow_downcast": True},
    "no_downcast": {"allow_downcast": False},
}
SHAPES = {"scalar": (), "vector": (None,), "pair": (2,)}


class _SubArray(np.ndarray):
    pass


def _numpy_scalars() -> list:
    """NumPy scalars of every dtype, of values some dtypes hold and some do not."""
    values = [0, 1, -3, 1.5, 0.1, 300, 2**40, np.nan, np.inf, 1 + 1j, 65520.0]
    out = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for dtype in all_dtypes:
            for v in values:
                try:
                    out.append(np.array(v).astype(dtype)[()])
                except (TypeError, ValueError, OverflowError):
                    pass
    out += [
        np.longdouble(1.5),
        np.clongdouble(2),
        np.longlong(3),  # int64, but not the same type object as np.int64
        np.ulonglong(2**64 - 1),
        np.datetime64("2020-01-01"),
        np.str_("1.5"),
        np.float16(2.0) ** -24,  # the smallest float16 subnormal
    ]
    # NaNs with a sign and a payload: casts keep both.
    out.append(np.array([0xFE01], dtype=np.uint16).view(np.float16)[0])
    out.append(np.array([0xFFC00123], dtype=np.uint32).view(np.float32)[0])
    out.append(np.array([0xFFF8000000000123], dtype=np.uint64).view(np.float64)[0])
    return out


def _arrays() -> list:
    out = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for dtype in all_dtypes:
            out.append(np.array(1).astype(dtype))  # 0-d
            out.append(np.array([1, 0]).astype(dtype))
        out.append(np.array(0.1))
        out.append(np.array([0.5, 1.5]))
    read_only = np.array([1.0, 2.0])
    read_only.flags.writeable = False
    swapped = np.array([1.0, 2.5], dtype=">f8")
    out += [
        read_only,
        np.arange(6.0)[::3],  # not contiguous
        np.arange(6, dtype="int32")[::3],
        swapped,
        np.array([3, 4], dtype=">i4"),
        np.array(2.5, dtype=">f8"),
        np.array([1.0, 2.0]).view(_SubArray),
        np.array([1.0, 2.0], dtype=object),
        np.array([1.0, 2.0, 3.0]),  # does not fit a static shape (2,)
        np.ones((2, 2)),
        np.array([1, 2], dtype="q"),  # int64 with the other type number
        np.array(["1", "2"]),
    ]
    return out


PY_SCALARS = [
    True,
    False,
    0,
    1,
    -1,
    7,
    255,
    256,
    -129,
    2**31,
    2**53 + 1,
    2**63 - 1,
    2**63,
    2**64,
    -(2**63),
    -(2**63) - 1,
    0.0,
    -0.0,
    1.5,
    0.1,
    2.0,
    -3.0,
    1e300,
    1e-45,
    65504.0,
    65520.0,
    2.0**-24,
    3e-8,
    2.0**63,
    float("nan"),
    -float("nan"),
    float("inf"),
    -float("inf"),
    1 + 2j,
    3 + 0j,
    0.1 + 0j,
    complex(float("nan"), 0.0),
    None,
    "1.5",
    b"1",
]

SEQUENCES = [
    [1.5, 2.5],
    [1, 2],
    [True, False],
    [[1.0, 2.0]],
    [],
    [1, 2.5],
    (1.0, 2.0),
    [np.float32(1), np.float32(2)],
    [np.array(1.0), np.array(2.0)],
    [1 + 1j, 2],
    ["a", "b"],
    [2**70, 1],
    [0.1, 0.2],
    [None, 1.0],
    [[1.0], [2.0, 3.0]],  # ragged
    [7],
]

ARGUMENTS = PY_SCALARS + _numpy_scalars() + _arrays() + SEQUENCES


def _outcome(call, arg, cell):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            call(arg)
        except Exception as e:  # compared, not swallowed
            result = ("error", type(e), str(e))
        else:
            v = cell[0]
            result = (
                "ok",
                type(v),
                v.dtype.str,
                v.shape,
                v.strides,
                v.tobytes(),
                v is arg,
                v.flags.writeable,
            )
    return result, [(w.category, str(w.message)) for w in caught]


def _compile(dtype: str, shape: tuple, setting: str):
    x = tensor(dtype=dtype, shape=shape, name="x")
    f = function([In(x, **SETTINGS[setting])], x, mode=CVM_MODE)
    assert f._fast_call is not None
    return f


def _check_agreement(f, arguments):
    cell = f._in_cells[0]
    for arg in arguments:
        c_path = _outcome(f, arg, cell)
        py_path = _outcome(lambda a: f._py_call_owned((a,), {}), arg, cell)
        assert c_path == py_path, (f.input_storage[0].type, arg)


@pytest.mark.parametrize("dtype", all_dtypes)
def test_c_conversion_agrees_with_filter(dtype):
    for shape in SHAPES.values():
        for setting in SETTINGS:
            _check_agreement(_compile(dtype, shape, setting), ARGUMENTS)


@pytest.mark.parametrize("floatx", ["float32", "float16"])
def test_c_conversion_follows_floatx_at_call_time(floatx):
    # Python floats (and NumPy floats) become floatX without a precision check
    # when allow_downcast is None; the flag is read at call time.
    floats = [0.1, 1e300, 1.5, np.float64(0.1), np.float32(0.1), np.longdouble(0.1)]
    floats += [1, np.int64(3), 0.1 + 0j, [0.1, 0.2]]
    fs = [
        _compile(d, (), s)
        for d in ("float16", "float32", "float64")
        for s in ("default", "no_downcast")
    ]
    for f in fs:
        _check_agreement(f, floats)
    with config.change_flags(floatX=floatx):
        for f in fs:
            _check_agreement(f, floats)
    with config.change_flags(floatX=floatx):
        g = _compile(floatx, (), "default")
    _check_agreement(g, floats)  # floatX is back to float64 here


def _count_filter_calls(f) -> list:
    """Rebuild ``f``'s C call path with filters that record their calls."""
    calls: list = []

    def recording(filt):
        def filt_recorded(value):
            calls.append(value)
            return filt(value)

        return filt_recorded

    f._in_filters = [recording(filt) for filt in f._in_filters]
    f._c_fast_call = make_fast_call(f, f.vm._loop)
    f._use_state_locks(())
    return calls


# (input dtype, input shape, setting, argument): converted in C, no filter call.
CONVERTED_IN_C = [
    ("float64", (), "default", np.float64(1.5)),
    ("float64", (), "default", 1.5),
    ("float64", (), "default", 3),
    ("float64", (), "default", True),
    ("float64", (), "default", np.float32(0.1)),
    ("float64", (), "default", np.int64(2**53)),
    ("float64", (), "default", np.uint8(200)),
    ("float64", (), "strict", np.array(1.5)),
    ("float32", (), "default", np.float32(0.1)),
    ("float32", (), "default", 0.5),
    ("float32", (), "default", np.float64(0.25)),
    ("float32", (), "default", float("nan")),
    ("float32", (), "allow_downcast", 0.1),
    ("float32", (), "allow_downcast", np.float64(0.1)),
    ("float16", (), "default", np.float16(0.1)),
    ("float16", (), "default", 2.0**-24),
    ("float16", (), "default", -65504),
    ("int64", (), "default", np.int64(-7)),
    ("int64", (), "default", 2**62),
    ("int64", (), "default", np.longlong(3)),
    ("int64", (), "default", 4.0),
    ("int32", (), "default", np.int64(2**31 - 1)),
    ("int8", (), "default", -128),
    ("uint8", (), "default", 255),
    ("uint64", (), "default", 2**64 - 1),
    ("uint64", (), "default", np.uint64(2**64 - 1)),
    ("bool", (), "default", np.bool_(True)),
    ("bool", (), "default", 1),
    ("bool", (), "no_downcast", 0.0),
    ("complex64", (), "default", 1.5 + 0.5j),
    ("complex128", (), "default", np.complex64(1 + 2j)),
    ("complex128", (), "default", 2),
    ("float64", (None,), "default", np.arange(3, dtype="float32")),
    ("float64", (None,), "default", np.arange(3, dtype="int32")[::-1]),
    ("float64", (None,), "default", np.array([1.0, 2.0], dtype=">f8")),
    ("float32", (None,), "allow_downcast", np.array([0.1, 0.2])),
    ("float64", (None,), "default", [0.1, 0.2]),
    ("float64", (None,), "default", (0.1, 0.2)),
    ("int64", (None,), "default", [1, 2]),
    ("bool", (None,), "default", [True, False]),
    ("float32", (None,), "default", [np.float32(1), np.float32(2)]),
    ("float32", (None,), "allow_downcast", [0.1, 0.2]),
]


@pytest.mark.parametrize("dtype, shape, setting, arg", CONVERTED_IN_C)
def test_common_arguments_convert_in_c(dtype, shape, setting, arg):
    # The agreement tests above are only meaningful if the C conversion runs:
    # these arguments must not reach the filter.
    f = _compile(dtype, shape, setting)
    calls = _count_filter_calls(f)
    _check_agreement(f, [arg])
    assert len(calls) == 1  # the Python path's
    calls.clear()
    f(arg)
    f(arg)
    assert len(calls) == 0


def test_unusual_arguments_reach_the_filter():
    f = _compile("float32", (), "default")
    calls = _count_filter_calls(f)
    with pytest.raises(TypeError, match="cannot store accurately value 0.1"):
        f(0.1)  # the filter decides (and raises) for a lossy conversion
    assert calls == [0.1]
    g = _compile("float64", (), "strict")
    calls = _count_filter_calls(g)
    with pytest.raises(TypeError, match="expected an ndarray object"):
        g(np.float64(1.5))
    assert len(calls) == 1


def test_converted_scalars_never_change_values_seen_elsewhere():
    # The C path writes a new scalar into the 0-d array the input's cell
    # holds only when nothing else refers to it.
    x = dscalar("x")
    f = function([x], x.dimshuffle("x") * 1, mode=CVM_MODE)
    g = function([x], x.dimshuffle("x"), mode=CVM_MODE)  # a view of the input
    r1 = g(np.float64(1.0))
    r2 = g(np.float64(2.0))
    assert r1[0] == 1.0 and r2[0] == 2.0
    f(1.0)
    held = f.input_storage[0].storage[0]
    f(5.0)
    assert held == 1.0 and f.input_storage[0].storage[0] == 5.0
    f(1.0)
    ref = weakref.ref(f.input_storage[0].storage[0])
    f(7.0)
    # A weakly referenced array is not reused: it is freed or keeps 1.0.
    assert ref() is None or ref()[()] == 1.0


def test_defaults_keep_their_values():
    x = dscalar("x")
    y = fscalar("y")
    f = function([In(x, value=2.0), y], x * y, mode=CVM_MODE)
    assert f(3.0, np.float32(2)) == 6.0
    assert f(y=np.float32(4)) == 8.0  # the default was not overwritten
    assert f(np.float64(5.0), 1) == 5.0
    assert f(y=1.0) == 2.0


def test_tensor_type_subclass_with_own_filter_keeps_it():
    class Doubling(TensorType):
        def filter(self, data, strict=False, allow_downcast=None):
            return super().filter(data, strict, allow_downcast) * 2

    x = Doubling("float64", ())()
    f = function([x], x + 0, mode=CVM_MODE)
    assert f(np.float64(1.5)) == 3.0
    assert f(1.5) == 3.0
