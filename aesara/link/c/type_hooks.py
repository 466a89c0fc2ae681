"""The C hooks of aesara's tensor and scalar types, kept out of the types themselves.

:class:`~aesara.tensor.type.TensorType` and
:class:`~aesara.scalar.basic.ScalarType` describe values; how such a value
crosses into users' C code (a ``PyArrayObject *`` or an ``npy_<dtype>``
variable) is written here, once per type class, and registered with
:func:`register_c_hooks`. The default hooks of
:class:`~aesara.link.c.interface.CLinkerType` look the registry up, so
``TensorType("float64", shape=(None,)).c_declare("x", sub)`` works as in
Aesara while the type modules hold no C.

In the snippets, ``name`` is the C variable and ``py_<name>`` the Python
object it comes from (or goes back to); ``sub["fail"]`` is the statement
that reports an error.
"""

from __future__ import annotations

import math
import threading
from typing import Any

import numpy as np

__all__ = ["ScalarCHooks", "TensorCHooks", "c_hooks_for", "register_c_hooks"]


_registry: dict[type, Any] = {}
_defaults_loaded = False
_load_lock = threading.Lock()


def register_c_hooks(type_class: type, hooks: Any) -> None:
    """Give the instances of ``type_class`` (and its subclasses) these C hooks.

    Parameters
    ----------
    type_class
        A :class:`~aesara.graph.type.Type` subclass.
    hooks
        An object whose methods are named like the hooks of
        :class:`~aesara.link.c.interface.CLinkerType` and take the type
        instance as first argument (``hooks.c_declare(type, name, sub)``).
    """
    if not isinstance(type_class, type):
        raise TypeError(f"register_c_hooks: expected a class, got {type_class!r}")
    _registry[type_class] = hooks


def _load_defaults() -> None:
    global _defaults_loaded
    if _defaults_loaded:
        return
    with _load_lock:
        if _defaults_loaded:
            return
        # Imported here: the type modules import aesara.link.c.type, which
        # must not import them back.
        from aesara.scalar.basic import ScalarType
        from aesara.tensor.type import TensorType

        _registry.setdefault(TensorType, TensorCHooks())
        _registry.setdefault(ScalarType, ScalarCHooks())
        _defaults_loaded = True


def c_hooks_for(type_obj: Any) -> Any | None:
    """The hooks registered for the class of ``type_obj`` (or a base), or ``None``."""
    _load_defaults()
    for cls in type(type_obj).__mro__:
        hooks = _registry.get(cls)
        if hooks is not None:
            return hooks
    return None


# Complex dtypes are NumPy's structs in C; aesara's names for them.
_COMPLEX_SUPPORT = (
    "#ifndef AESARA_COMPLEX_TYPES\n"
    "#define AESARA_COMPLEX_TYPES\n"
    "typedef npy_complex64 aesara_complex64;\n"
    "typedef npy_complex128 aesara_complex128;\n"
    "#endif\n"
)


def _c_dtype(dtype: str) -> str:
    from aesara.scalar.basic import _DTYPE_SPECS

    try:
        return _DTYPE_SPECS[dtype][1]
    except KeyError:
        raise TypeError(f"dtype {dtype!r} has no C type") from None


def _typenum(dtype: str) -> str:
    return f"NPY_{np.dtype(dtype).name.upper()}"


def _float_literal(value: float, dtype: str) -> str:
    if math.isnan(value):
        return "NAN"
    if math.isinf(value):
        return "INFINITY" if value > 0 else "-INFINITY"
    text = repr(float(value))
    return text + ("f" if dtype in ("float16", "float32") else "")


class TensorCHooks:
    """C hooks of :class:`~aesara.tensor.type.TensorType`: ``PyArrayObject *`` values.

    The C variable is a new reference to the array (or ``NULL`` for an empty
    output cell); ``dtype_<name>`` is typedef'd to the element type.
    """

    def c_element_type(self, t) -> str:
        return _c_dtype(t.dtype)

    def c_declare(self, t, name: str, sub: dict, check_input: bool = True) -> str:
        return f"PyArrayObject* {name};\ntypedef {_c_dtype(t.dtype)} dtype_{name};\n"

    def c_init(self, t, name: str, sub: dict) -> str:
        return f"{name} = NULL;\n"

    def c_extract(self, t, name: str, sub: dict, check_input: bool = True, **kw):
        fail = sub["fail"]
        checks = ""
        if check_input:
            checks = (
                f"if (!PyArray_Check(py_{name})) {{\n"
                "    PyErr_Format(PyExc_TypeError, "
                f'"expected an ndarray for {name}, got %s", '
                f"Py_TYPE(py_{name})->tp_name);\n"
                f"    {fail}\n"
                "}\n"
                f"if (PyArray_NDIM((PyArrayObject*)py_{name}) != {t.ndim}) {{\n"
                "    PyErr_Format(PyExc_ValueError, "
                f'"expected an ndarray with {t.ndim} dimensions for {name}, '
                f'got %d", PyArray_NDIM((PyArrayObject*)py_{name}));\n'
                f"    {fail}\n"
                "}\n"
                f"if (PyArray_TYPE((PyArrayObject*)py_{name}) != "
                f"{_typenum(t.dtype)}) {{\n"
                "    PyErr_Format(PyExc_TypeError, "
                f'"expected dtype {t.dtype} for {name}, got type number %d", '
                f"PyArray_TYPE((PyArrayObject*)py_{name}));\n"
                f"    {fail}\n"
                "}\n"
                f"if (!PyArray_ISALIGNED((PyArrayObject*)py_{name})) {{\n"
                "    PyErr_SetString(PyExc_NotImplementedError, "
                f'"the array given for {name} is not aligned");\n'
                f"    {fail}\n"
                "}\n"
            )
        return (
            f"{name} = NULL;\n"
            f"if (py_{name} == Py_None) {{\n"
            "    PyErr_SetString(PyExc_ValueError, "
            f'"expected an ndarray for {name}, not None");\n'
            f"    {fail}\n"
            "}\n"
            f"{checks}"
            f"{name} = (PyArrayObject*)py_{name};\n"
            f"Py_XINCREF({name});\n"
        )

    def c_cleanup(self, t, name: str, sub: dict) -> str:
        return f"Py_XDECREF({name});\n{name} = NULL;\n"

    def c_sync(self, t, name: str, sub: dict) -> str:
        return (
            "{\n"
            f"Py_XDECREF(py_{name});\n"
            f"py_{name} = {name} ? (PyObject*){name} : Py_None;\n"
            f"Py_INCREF(py_{name});\n"
            "}\n"
        )

    def c_headers(self, t, **kwargs) -> list[str]:
        return []

    def c_support_code(self, t, **kwargs) -> str:
        return _COMPLEX_SUPPORT if t.dtype.startswith("complex") else ""

    def c_literal(self, t, data: Any) -> str:
        arr = np.asarray(data)
        if arr.size != 1 or t.dtype.startswith("complex"):
            return ""
        return ScalarCHooks._literal(arr.reshape(()).item(), t.dtype)

    def c_code_cache_version(self, t) -> tuple:
        return (1,)


class ScalarCHooks:
    """C hooks of :class:`~aesara.scalar.basic.ScalarType`: plain ``npy_<dtype>`` values.

    Values come from and go back to NumPy scalars of the type's dtype.
    """

    def c_element_type(self, t) -> str:
        return _c_dtype(t.dtype)

    def c_is_simple(self, t) -> bool:
        return True

    def c_declare(self, t, name: str, sub: dict, check_input: bool = True) -> str:
        c_type = _c_dtype(t.dtype)
        return f"{c_type} {name};\ntypedef {c_type} dtype_{name};\n"

    def c_init(self, t, name: str, sub: dict) -> str:
        return f"memset(&{name}, 0, sizeof({name}));\n"

    def c_extract(self, t, name: str, sub: dict, check_input: bool = True, **kw):
        fail = sub["fail"]
        typenum = _typenum(t.dtype)
        return (
            "{\n"
            f"PyArray_Descr* descr_{name} = PyArray_IsScalar(py_{name}, Generic) ? "
            f"PyArray_DescrFromScalar(py_{name}) : NULL;\n"
            f"int ok_{name} = descr_{name} != NULL && "
            f"descr_{name}->type_num == {typenum};\n"
            f"Py_XDECREF(descr_{name});\n"
            f"if (!ok_{name}) {{\n"
            "    PyErr_Format(PyExc_TypeError, "
            f'"expected a NumPy {t.dtype} scalar for {name}, got %s", '
            f"Py_TYPE(py_{name})->tp_name);\n"
            f"    {fail}\n"
            "}\n"
            "}\n"
            f"PyArray_ScalarAsCtype(py_{name}, &{name});\n"
        )

    def c_cleanup(self, t, name: str, sub: dict) -> str:
        return ""

    def c_sync(self, t, name: str, sub: dict) -> str:
        return (
            "{\n"
            f"PyArray_Descr* descr_{name} = PyArray_DescrFromType("
            f"{_typenum(t.dtype)});\n"
            f"PyObject* value_{name} = descr_{name} ? "
            f"PyArray_Scalar(&{name}, descr_{name}, NULL) : NULL;\n"
            f"Py_XDECREF(descr_{name});\n"
            f"if (value_{name} == NULL) {{ {sub['fail']} }}\n"
            f"Py_XDECREF(py_{name});\n"
            f"py_{name} = value_{name};\n"
            "}\n"
        )

    def c_headers(self, t, **kwargs) -> list[str]:
        return ["<math.h>"]

    def c_support_code(self, t, **kwargs) -> str:
        return _COMPLEX_SUPPORT if t.dtype.startswith("complex") else ""

    @staticmethod
    def _literal(value: Any, dtype: str) -> str:
        if dtype == "bool":
            return "1" if value else "0"
        if dtype.startswith("float"):
            return _float_literal(float(value), dtype)
        if dtype.startswith(("int", "uint")):
            suffix = "ULL" if dtype.startswith("u") else "LL"
            return f"{int(value)}{suffix}"
        return ""

    def c_literal(self, t, data: Any) -> str:
        return self._literal(data, t.dtype)

    def c_code_cache_version(self, t) -> tuple:
        return (1,)
