"""Users' C ops used by the tests of the C extension API (not a test module).

They are written the way Aesara users write them: a ``COp`` subclass with
``make_node``, ``perform`` and ``c_code`` (plus, for some, params, support
code, headers or struct code), and an ``ExternalCOp`` reading
``c_code/user_axpb.c``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

import aesara.scalar as aes
import aesara.tensor as at
from aesara.graph.basic import Apply
from aesara.link.c.op import COp, ExternalCOp, OpenMPOp, _NoPythonCOp
from aesara.link.c.params_type import ParamsType
from aesara.link.c.type import CEnumType, CType, EnumList, Generic
from aesara.scalar import ScalarType
from aesara.tensor.type import TensorType


def _same_type_node(op, *inputs):
    inputs = [at.as_tensor_variable(x) for x in inputs]
    return Apply(op, inputs, [inputs[0].type()])


class UserAdd(COp):
    """``x + y`` for two arrays of the same shape and dtype."""

    __props__ = ()

    def make_node(self, x, y):
        return _same_type_node(self, x, y)

    def perform(self, node, inputs, outputs):
        outputs[0][0] = (inputs[0] + inputs[1]).astype(node.outputs[0].dtype)

    def c_code(self, node, name, inp, out, sub):
        x, y = inp
        (z,) = out
        fail = sub["fail"]
        return f"""
        if (!PyArray_SAMESHAPE({x}, {y})) {{
            PyErr_SetString(PyExc_ValueError, "UserAdd: shapes differ");
            {fail}
        }}
        Py_XDECREF({z});
        {z} = (PyArrayObject*)PyArray_EMPTY(PyArray_NDIM({x}), PyArray_DIMS({x}),
                                            PyArray_TYPE({x}), 0);
        if (!{z}) {fail}
        {{
            PyArrayObject* xc = PyArray_GETCONTIGUOUS({x});
            PyArrayObject* yc = PyArray_GETCONTIGUOUS({y});
            const dtype_{x}* a = (const dtype_{x}*)PyArray_DATA(xc);
            const dtype_{y}* b = (const dtype_{y}*)PyArray_DATA(yc);
            dtype_{z}* c = (dtype_{z}*)PyArray_DATA({z});
            for (npy_intp i = 0, n = PyArray_SIZE(xc); i < n; ++i) c[i] = a[i] + b[i];
            Py_DECREF(xc);
            Py_DECREF(yc);
        }}
        """

    def c_code_cache_version(self):
        return (1,)


class UserScale(COp):
    """``x * factor``: a small element-wise op, right or (``wrong=True``) off by one."""

    __props__ = ("factor", "wrong")

    def __init__(self, factor=2.0, wrong=False):
        self.factor = float(factor)
        self.wrong = bool(wrong)

    def make_node(self, x):
        return _same_type_node(self, x)

    def perform(self, node, inputs, outputs):
        outputs[0][0] = (inputs[0] * self.factor).astype(node.outputs[0].dtype)

    def c_code(self, node, name, inp, out, sub):
        (x,) = inp
        (z,) = out
        extra = " + 1" if self.wrong else ""
        return f"""
        Py_XDECREF({z});
        {z} = (PyArrayObject*)PyArray_NewLikeArray({x}, NPY_CORDER, NULL, 0);
        if (!{z}) {sub["fail"]}
        {{
            PyArrayObject* xc = PyArray_GETCONTIGUOUS({x});
            const dtype_{x}* a = (const dtype_{x}*)PyArray_DATA(xc);
            dtype_{z}* c = (dtype_{z}*)PyArray_DATA({z});
            for (npy_intp i = 0, n = PyArray_SIZE(xc); i < n; ++i)
                c[i] = (dtype_{z})(a[i] * {self.factor!r}{extra});
            Py_DECREF(xc);
        }}
        """

    def c_code_cache_version(self):
        return (1,)


class UserUnversioned(UserScale):
    """``UserScale`` whose code has no cache version (never cached on disk)."""

    def c_code_cache_version(self):
        return ()


class UserPoly(COp):
    """``a * x**2 + b * x + c`` (or ``- ...`` with ``sign=NEG``), coefficients as params."""

    __props__ = ("a", "b", "c", "sign")
    sign_type = EnumList("POS", "NEG")
    params_type = ParamsType(
        a=TensorType("float64", shape=()),
        b=ScalarType("float64"),
        c=Generic(),
        sign=sign_type,
    )

    def __init__(self, a, b, c, sign="POS"):
        self.a = a
        self.b = b
        self.c = c
        self.sign = self.sign_type.fromalias(sign) if isinstance(sign, str) else sign

    def make_node(self, x):
        return _same_type_node(self, x)

    def perform(self, node, inputs, outputs, params):
        x = inputs[0]
        y = params.a * x**2 + params.b * x + params.c
        if params.sign == self.params_type.NEG:
            y = -y
        outputs[0][0] = np.asarray(y, dtype=node.outputs[0].dtype)

    def c_code(self, node, name, inp, out, sub):
        (x,) = inp
        (y,) = out
        p = sub["params"]
        fail = sub["fail"]
        return f"""
        double a = *(npy_float64*)PyArray_DATA({p}->a);
        double b = {p}->b;
        double c = PyFloat_AsDouble({p}->c);
        if (PyErr_Occurred()) {fail}
        double s = ({p}->sign == NEG) ? -1.0 : 1.0;
        Py_XDECREF({y});
        {y} = (PyArrayObject*)PyArray_NewLikeArray({x}, NPY_CORDER, NULL, 0);
        if (!{y}) {fail}
        {{
            PyArrayObject* xc = PyArray_GETCONTIGUOUS({x});
            const dtype_{x}* src = (const dtype_{x}*)PyArray_DATA(xc);
            dtype_{y}* dst = (dtype_{y}*)PyArray_DATA({y});
            for (npy_intp i = 0, n = PyArray_SIZE(xc); i < n; ++i) {{
                double v = src[i];
                dst[i] = (dtype_{y})(s * (a * v * v + b * v + c));
            }}
            Py_DECREF(xc);
        }}
        """

    def c_code_cache_version(self):
        return (1,)


class UserLogistic(COp):
    """``1 / (1 + exp(-x))`` through a helper in ``c_support_code``, needing ``<math.h>``."""

    __props__ = ()

    def make_node(self, x):
        return _same_type_node(self, x)

    def perform(self, node, inputs, outputs):
        x = inputs[0]
        outputs[0][0] = (1.0 / (1.0 + np.exp(-x))).astype(x.dtype)

    def c_headers(self, **kwargs):
        return ["<math.h>", "<float.h>"]

    def c_support_code(self, **kwargs):
        return """
        static double user_logistic(double v) {
            /* DBL_MAX comes from <float.h>: keep exp() finite. */
            if (-v > log(DBL_MAX)) return 0.0;
            return 1.0 / (1.0 + exp(-v));
        }
        """

    def c_code(self, node, name, inp, out, sub):
        (x,) = inp
        (z,) = out
        return f"""
        Py_XDECREF({z});
        {z} = (PyArrayObject*)PyArray_NewLikeArray({x}, NPY_CORDER, NULL, 0);
        if (!{z}) {sub["fail"]}
        {{
            PyArrayObject* xc = PyArray_GETCONTIGUOUS({x});
            const dtype_{x}* a = (const dtype_{x}*)PyArray_DATA(xc);
            dtype_{z}* c = (dtype_{z}*)PyArray_DATA({z});
            for (npy_intp i = 0, n = PyArray_SIZE(xc); i < n; ++i)
                c[i] = (dtype_{z})user_logistic((double)a[i]);
            Py_DECREF(xc);
        }}
        """

    def c_code_cache_version(self):
        return (1,)


class UserAxpb(ExternalCOp):
    """``a * x + b`` from ``c_code/user_axpb.c`` (``func_name`` entry point)."""

    __props__ = ("a", "b")
    params_type = ParamsType(a=ScalarType("float64"), b=ScalarType("float64"))

    def __init__(self, a, b):
        super().__init__("c_code/user_axpb.c", "APPLY_SPECIFIC(axpb)")
        self.a = float(a)
        self.b = float(b)

    def make_node(self, x):
        return _same_type_node(self, x)

    def perform(self, node, inputs, outputs, params):
        x = inputs[0]
        outputs[0][0] = (params.a * x + params.b).astype(node.outputs[0].dtype)


class UserCounter(COp):
    """Returns how many times its thunk ran before (struct code keeps the count)."""

    __props__ = ()

    def do_constant_folding(self, fgraph, node):
        return False

    def make_node(self, i):
        return Apply(self, [at.as_tensor_variable(i)], [aes.uint64()])

    def c_support_code_struct(self, node, name):
        return f"npy_uint64 count_{name};"

    def c_init_code_struct(self, node, name, sub):
        return f"count_{name} = 0;"

    def c_code(self, node, name, inp, out, sub):
        return f"{out[0]} = count_{name}++;"

    def c_code_cache_version(self):
        return (1,)

    def perform(self, node, inputs, outputs):
        raise NotImplementedError("UserCounter has only C code")


class UserCOnly(_NoPythonCOp):
    """``x + 1`` on an int32 scalar, C only."""

    __props__ = ()

    def make_node(self, x):
        x = aes.as_scalar(x)
        return Apply(self, [x], [x.type()])

    def c_code(self, node, name, inp, out, sub):
        return f"{out[0]} = {inp[0]} + 1;"

    def c_code_cache_version(self):
        return (1,)


class UserBroken(UserScale):
    """C code that does not compile (an undeclared identifier)."""

    def c_code(self, node, name, inp, out, sub):
        return f"{out[0]} = no_such_variable_here;  /* broken on purpose */"


class UserRaises(UserScale):
    """C code that raises ``ValueError`` for empty inputs."""

    def c_code(self, node, name, inp, out, sub):
        check = f"""
        if (PyArray_SIZE({inp[0]}) == 0) {{
            PyErr_SetString(PyExc_ValueError, "UserRaises: empty input");
            {sub["fail"]}
        }}
        """
        return check + super().c_code(node, name, inp, out, sub)


class UserParallelNeg(OpenMPOp):
    """``-x`` with an OpenMP loop when ``openmp`` is on."""

    __props__ = ("openmp",)

    def make_node(self, x):
        return _same_type_node(self, x)

    def perform(self, node, inputs, outputs):
        outputs[0][0] = -inputs[0]

    def c_code(self, node, name, inp, out, sub):
        (x,) = inp
        (z,) = out
        pragma = "#pragma omp parallel for" if self.openmp else ""
        return f"""
        Py_XDECREF({z});
        {z} = (PyArrayObject*)PyArray_NewLikeArray({x}, NPY_CORDER, NULL, 0);
        if (!{z}) {sub["fail"]}
        {{
            PyArrayObject* xc = PyArray_GETCONTIGUOUS({x});
            const dtype_{x}* a = (const dtype_{x}*)PyArray_DATA(xc);
            dtype_{z}* c = (dtype_{z}*)PyArray_DATA({z});
            npy_intp n = PyArray_SIZE(xc);
            {pragma}
            for (npy_intp i = 0; i < n; ++i) c[i] = -a[i];
            Py_DECREF(xc);
        }}
        """

    def c_code_cache_version(self):
        return (1,)


class TDouble(CType):
    """A user's type: Python floats, C ``double`` variables (its own C hooks)."""

    __props__ = ()

    def filter(self, data, strict=False, allow_downcast=None):
        if strict and not isinstance(data, float):
            raise TypeError(f"TDouble: expected a float, got {type(data).__name__}")
        return float(data)

    def c_declare(self, name, sub, check_input=True):
        return f"double {name};"

    def c_init(self, name, sub):
        return f"{name} = 0.0;"

    def c_extract(self, name, sub, check_input=True, **kwargs):
        return f"""
        if (!PyFloat_Check(py_{name})) {{
            PyErr_SetString(PyExc_TypeError, "TDouble: expected a float");
            {sub["fail"]}
        }}
        {name} = PyFloat_AsDouble(py_{name});
        """

    def c_sync(self, name, sub):
        return f"""
        Py_XDECREF(py_{name});
        py_{name} = PyFloat_FromDouble({name});
        if (!py_{name}) {sub["fail"]}
        """

    def c_code_cache_version(self):
        return (1,)


tdouble = TDouble()


class DoubleMul(COp):
    """``x * y`` on :class:`TDouble` values."""

    __props__ = ()

    def make_node(self, x, y):
        return Apply(self, [x, y], [tdouble()])

    def perform(self, node, inputs, outputs):
        outputs[0][0] = inputs[0] * inputs[1]

    def c_code(self, node, name, inp, out, sub):
        return f"{out[0]} = {inp[0]} * {inp[1]};"

    def c_code_cache_version(self):
        return (1,)


class UserTimesConst(COp):
    """``x * K`` where ``K`` is a C constant of ``c_code/user_consts.h`` (CEnumType params)."""

    __props__ = ("which",)
    params_type = CEnumType("USER_TEN", "USER_THOUSAND", ctype="int")

    def __init__(self, which):
        self.which = which

    def get_params(self, node):
        return self.params_type.fromalias(self.which)

    def c_headers(self, **kwargs):
        return ["user_consts.h"]

    def c_header_dirs(self, **kwargs):
        return [str(Path(__file__).with_name("c_code"))]

    def make_node(self, x):
        return _same_type_node(self, x)

    def perform(self, node, inputs, outputs, params):
        factor = {"USER_TEN": 10, "USER_THOUSAND": 1000}[self.which]
        outputs[0][0] = (inputs[0] * factor).astype(node.outputs[0].dtype)

    def c_code(self, node, name, inp, out, sub):
        (x,) = inp
        (z,) = out
        return f"""
        Py_XDECREF({z});
        {z} = (PyArrayObject*)PyArray_NewLikeArray({x}, NPY_CORDER, NULL, 0);
        if (!{z}) {sub["fail"]}
        {{
            PyArrayObject* xc = PyArray_GETCONTIGUOUS({x});
            const dtype_{x}* a = (const dtype_{x}*)PyArray_DATA(xc);
            dtype_{z}* c = (dtype_{z}*)PyArray_DATA({z});
            for (npy_intp i = 0, n = PyArray_SIZE(xc); i < n; ++i)
                c[i] = (dtype_{z})(a[i] * {sub["params"]});
            Py_DECREF(xc);
        }}
        """

    def c_code_cache_version(self):
        return (1,)
