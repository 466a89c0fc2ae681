"""Bundle an Op's parameters into one value, seen in Python and in C.

An Op sets ``params_type = ParamsType(a=..., b=...)`` (each field a
:class:`~aesara.link.c.type.CType`) and gets its parameters, read from the
Op's attributes of the same names, as a :class:`Params`: ``perform``
receives it as its last argument (``params.a``) and C code as a pointer to a
C++ struct (``sub["params"]->a``), extracted once per thunk.

:class:`~aesara.link.c.type.EnumType` fields make their constants reachable
through the ``ParamsType`` itself (``params_type.MODE_A``) and their
``#define``'s visible to the Op's C code.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from aesara.graph.utils import MethodNotDefined
from aesara.link.c.type import CType, EnumType

__all__ = ["Params", "ParamsType"]

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")

# Names that would not compile as struct members.
_C_CPP_KEYWORDS = frozenset(
    """
    alignas alignof and and_eq asm auto bitand bitor bool break case catch char
    char16_t char32_t class compl const constexpr const_cast continue decltype
    default delete do double dynamic_cast else enum explicit export extern false
    float for friend goto if inline int long mutable namespace new noexcept not
    not_eq nullptr operator or or_eq private protected public register
    reinterpret_cast restrict return short signed sizeof static static_assert
    static_cast struct switch template this thread_local throw true try typedef
    typeid typename union unsigned using virtual void volatile wchar_t while xor
    xor_eq _Bool _Complex _Imaginary
    """.split()
)


class Params(dict):
    """The parameter values of one Op, for a given :class:`ParamsType`.

    Values are read as attributes or items and cannot be changed.

    Parameters
    ----------
    params_type
        The :class:`ParamsType` these values are for.
    **kwargs
        One value per field of ``params_type`` (more are kept, unused).

    Examples
    --------
    >>> from aesara.link.c.params_type import Params, ParamsType
    >>> from aesara.scalar import ScalarType
    >>> pt = ParamsType(alpha=ScalarType("float64"), n=ScalarType("int32"))
    >>> p = Params(pt, alpha=0.5, n=3)
    >>> p.alpha, p["n"]
    (0.5, 3)
    """

    def __init__(self, params_type: ParamsType, **kwargs):
        if not isinstance(params_type, ParamsType):
            raise TypeError(
                "Params: the first argument must be a ParamsType, got "
                f"{type(params_type).__name__}"
            )
        missing = [f for f in params_type.fields if f not in kwargs]
        if missing:
            raise TypeError(
                f"Params: no value given for the field(s) {missing} of {params_type}"
            )
        super().__init__(**kwargs)
        self.__dict__["__params_type__"] = params_type
        self.__dict__["__signatures__"] = None

    def __repr__(self):
        items = ", ".join(
            f"{k}:{type(self[k]).__name__}:{self[k]}" for k in sorted(self)
        )
        return f"Params({items})"

    def __getattr__(self, key):
        if key in self:
            return self[key]
        raise AttributeError(f"Params has no field {key!r} (fields: {sorted(self)})")

    def _immutable(self, *args, **kwargs):
        raise NotImplementedError("Params values cannot be changed")

    __setattr__ = __setitem__ = __delitem__ = _immutable
    update = pop = popitem = clear = setdefault = _immutable

    def __hash__(self):
        sigs = self.__dict__["__signatures__"]
        if sigs is None:
            pt = self.__params_type__
            sigs = tuple(
                t.make_constant(self[f]).signature()
                for f, t in zip(pt.fields, pt.types)
            )
            self.__dict__["__signatures__"] = sigs
        return hash((type(self), self.__params_type__, *map(_hashable, sigs)))

    def __eq__(self, other):
        if type(self) is not type(other):
            return False
        pt = self.__params_type__
        if pt != other.__params_type__:
            return False
        return all(t.values_eq(self[f], other[f]) for f, t in zip(pt.fields, pt.types))

    def __ne__(self, other):
        return not self == other

    def __reduce__(self):
        return (_rebuild_params, (self.__params_type__, dict(self)))


def _rebuild_params(params_type, values):
    return Params(params_type, **values)


def _hashable(sig: Any) -> Any:
    try:
        hash(sig)
        return sig
    except TypeError:
        # Array signatures: hash their bytes.
        import numpy as np

        return repr(sig) if not isinstance(sig, np.ndarray) else sig.tobytes()


class ParamsType(CType):
    """A struct of typed fields, used as an Op's ``params_type``.

    Parameters
    ----------
    **kwargs
        ``field=type``: each field name a C identifier (not a C/C++ keyword),
        each type a :class:`~aesara.link.c.type.CType` instance. Fields are
        kept sorted by name.

    Examples
    --------
    >>> from aesara.link.c.params_type import ParamsType
    >>> from aesara.link.c.type import EnumList
    >>> from aesara.scalar import ScalarType
    >>> pt = ParamsType(scale=ScalarType("float64"), mode=EnumList("SUM", "MAX"))
    >>> pt.fields, pt.MAX
    (('mode', 'scale'), 1)
    """

    def __init__(self, **kwargs):
        if not kwargs:
            raise ValueError("ParamsType needs at least one field")
        for field, t in kwargs.items():
            if not _IDENTIFIER.match(field):
                raise AttributeError(
                    f"ParamsType: field name {field!r} is not a valid C identifier"
                )
            if field in _C_CPP_KEYWORDS:
                raise SyntaxError(
                    f"ParamsType: field name {field!r} is a C/C++ keyword"
                )
            if not isinstance(t, CType):
                raise TypeError(
                    f"ParamsType: field {field!r} must be a CType instance, got "
                    f"{type(t).__name__}"
                )
        self.fields = tuple(sorted(kwargs))
        self.types = tuple(kwargs[f] for f in self.fields)
        self.length = len(self.fields)
        self.name = self.generate_struct_name()
        const_to_enum: dict[str, EnumType] = {}
        alias_to_enum: dict[str, EnumType] = {}
        for t in self.types:
            if not isinstance(t, EnumType):
                continue
            for const in t:
                if const in const_to_enum and const_to_enum[const] is not t:
                    raise AttributeError(
                        f"ParamsType: the constant {const!r} is defined by two "
                        "enumeration fields"
                    )
                const_to_enum[const] = t
            for alias in t.aliases:
                if alias in alias_to_enum and alias_to_enum[alias] is not t:
                    raise AttributeError(
                        f"ParamsType: the alias {alias!r} is defined by two "
                        "enumeration fields"
                    )
                alias_to_enum[alias] = t
        clash = sorted(set(alias_to_enum) & set(const_to_enum))
        if clash:
            raise AttributeError(
                f"ParamsType: aliases {clash} are also names of constants"
            )
        self.__dict__["_const_to_enum"] = const_to_enum
        self.__dict__["_alias_to_enum"] = alias_to_enum

    def __setstate__(self, state):
        self.__dict__.update(state)

    def __getattr__(self, key):
        # Only reached when normal lookup fails: enumeration constants.
        consts = self.__dict__.get("_const_to_enum", {})
        if key in consts:
            return consts[key][key]
        raise AttributeError(f"{type(self).__name__} has no attribute {key!r}")

    def __repr__(self):
        inner = ", ".join(f"{f}:{t}" for f, t in zip(self.fields, self.types))
        return f"ParamsType<{inner}>"

    __str__ = __repr__

    def __eq__(self, other):
        return (
            type(self) is type(other)
            and self.fields == other.fields
            and self.types == other.types
        )

    def __hash__(self):
        return hash((type(self), self.fields, self.types))

    def generate_struct_name(self) -> str:
        """A C struct name unique to these fields and types."""
        text = ",".join(self.fields) + "|" + ",".join(str(t) for t in self.types)
        return "_Params_" + hashlib.sha256(text.encode()).hexdigest()[:32]

    def has_type(self, aesara_type) -> bool:
        """Whether one of the fields has type ``aesara_type``."""
        return aesara_type in self.types

    def get_type(self, field_name: str):
        """The type of field ``field_name``."""
        try:
            return self.types[self.fields.index(field_name)]
        except ValueError:
            raise KeyError(
                f"{self} has no field {field_name!r} (fields: {self.fields})"
            ) from None

    def get_field(self, aesara_type) -> str:
        """The name of the first field (in name order) of type ``aesara_type``."""
        try:
            return self.fields[self.types.index(aesara_type)]
        except ValueError:
            raise KeyError(f"{self} has no field of type {aesara_type}") from None

    def get_enum(self, key: str):
        """The value of the enumeration constant ``key`` of one of the fields."""
        try:
            return self._const_to_enum[key][key]
        except KeyError:
            raise KeyError(
                f"{self}: no enumeration field defines the constant {key!r}"
            ) from None

    def enum_from_alias(self, alias: str):
        """The value of the enumeration constant with this alias (or name)."""
        if alias in self._alias_to_enum:
            return self._alias_to_enum[alias].fromalias(alias)
        return self.get_enum(alias)

    def get_params(self, *objects, **kwargs) -> Params:
        """Collect field values from ``objects``' attributes, then ``kwargs``.

        Later sources override earlier ones; each value is filtered by its
        field's type.

        Raises
        ------
        AttributeError
            When no source gives a value for some field.
        """
        values: dict[str, Any] = {}
        for obj in objects:
            for f in self.fields:
                if hasattr(obj, f):
                    values[f] = getattr(obj, f)
        for f in self.fields:
            if f in kwargs:
                values[f] = kwargs[f]
        missing = [f for f in self.fields if f not in values]
        if missing:
            raise AttributeError(
                f"{self}.get_params: no value found for the field(s) {missing}"
            )
        filtered = {
            f: t.filter(values[f], strict=False, allow_downcast=True)
            for f, t in zip(self.fields, self.types)
        }
        return Params(self, **filtered)

    def extended(self, **kwargs) -> ParamsType:
        """A new ``ParamsType`` with these fields added (or replaced)."""
        fields = dict(zip(self.fields, self.types))
        fields.update(kwargs)
        return ParamsType(**fields)

    def filter(self, data, strict: bool = False, allow_downcast=None):
        """Return ``data`` as a :class:`Params` of this type.

        Raises
        ------
        TypeError
            In strict mode, when ``data`` is not a ``Params``; or when a field
            value does not pass its type's filter.
        """
        if strict and not isinstance(data, Params):
            raise TypeError(
                f"{self}: strict filtering needs a Params, got {type(data).__name__}"
            )
        filtered = {}
        for f, t in zip(self.fields, self.types):
            try:
                value = getattr(data, f)
            except AttributeError:
                raise TypeError(f"{self}: the value has no field {f!r}") from None
            filtered[f] = t.filter(value, strict, allow_downcast)
        if strict or isinstance(data, Params):
            return data
        return Params(self, **filtered)

    def values_eq(self, a, b) -> bool:
        return all(
            t.values_eq(getattr(a, f), getattr(b, f))
            for f, t in zip(self.fields, self.types)
        )

    def values_eq_approx(self, a, b) -> bool:
        return all(
            t.values_eq_approx(getattr(a, f), getattr(b, f))
            for f, t in zip(self.fields, self.types)
        )

    # -- C side ----------------------------------------------------------

    def _collect(self, hook: str, **kwargs) -> list:
        out: list = []
        for t in self.types:
            try:
                got = getattr(t, hook)(**kwargs)
            except MethodNotDefined:
                continue
            out.extend(got if isinstance(got, (list, tuple)) else [got])
        return out

    def c_compile_args(self, **kwargs):
        return self._collect("c_compile_args", **kwargs)

    def c_no_compile_args(self, **kwargs):
        return self._collect("c_no_compile_args", **kwargs)

    def c_headers(self, **kwargs):
        return self._collect("c_headers", **kwargs)

    def c_libraries(self, **kwargs):
        return self._collect("c_libraries", **kwargs)

    def c_header_dirs(self, **kwargs):
        return self._collect("c_header_dirs", **kwargs)

    def c_lib_dirs(self, **kwargs):
        return self._collect("c_lib_dirs", **kwargs)

    def c_init_code(self, **kwargs):
        return self._collect("c_init_code", **kwargs)

    def c_support_code(self, **kwargs):
        """The fields' support code, then the C++ struct of this type.

        The struct has one member per field, an ``extract(PyObject*, int)``
        method filling field ``i`` and an error flag
        (``errorOccurred()``) set when a field's extraction fails.
        """
        sub = {"fail": "{this->setErrorOccurred(); return;}"}
        support = sorted({s for s in self._collect("c_support_code") if s})
        members, inits, cleanups, extractors, cases = [], [], [], [], []
        for i, (f, t) in enumerate(zip(self.fields, self.types)):
            members.append(t.c_declare(f, sub))
            inits.append(t.c_init(f, sub))
            cleanups.append(t.c_cleanup(f, sub))
            extractors.append(
                f"void extract_{f}(PyObject* py_{f}) {{\n{t.c_extract(f, sub)}\n}}\n"
            )
            cases.append(f"case {i}: extract_{f}(object); break;")
        guard = self.name.upper()
        cases_text = "\n".join(cases)
        struct = f"""
#ifndef {guard}
#define {guard}
struct {self.name} {{
    int {self.name}_error;
    {"".join(members)}
    {self.name}() {{
        {self.name}_error = 0;
        {"".join(inits)}
    }}
    ~{self.name}() {{ cleanup(); }}
    void cleanup() {{
        {"".join(cleanups)}
    }}
    {"".join(extractors)}
    void extract(PyObject* object, int field_pos) {{
        switch (field_pos) {{
        {cases_text}
        default:
            PyErr_Format(PyExc_TypeError,
                         "ParamsType: no field number %d", field_pos);
            this->setErrorOccurred();
        }}
    }}
    void setErrorOccurred() {{ ++{self.name}_error; }}
    int errorOccurred() {{ return {self.name}_error; }}
}};
#endif
"""
        return [*support, struct]

    def c_code_cache_version(self):
        versions = tuple(t.c_code_cache_version() for t in self.types)
        if any(v == () for v in versions):
            return ()
        return ((1,), versions)

    def c_declare(self, name, sub, check_input=True):
        return f"{self.name}* {name};\n"

    def c_init(self, name, sub):
        return f"{name} = NULL;\n"

    def c_cleanup(self, name, sub):
        return f"delete {name};\n{name} = NULL;\n"

    def c_extract(self, name, sub, check_input=True, **kwargs):
        fields = ", ".join(f'"{f}"' for f in self.fields)
        fail = sub["fail"]
        return f"""
{name} = new {self.name};
{{
    const char* fields_{name}[] = {{{fields}}};
    if (!PyDict_Check(py_{name})) {{
        PyErr_Format(PyExc_TypeError,
                     "ParamsType: expected a Params object, got %s",
                     Py_TYPE(py_{name})->tp_name);
        {fail}
    }}
    for (int i = 0; i < {self.length}; ++i) {{
        PyObject* o = PyDict_GetItemString(py_{name}, fields_{name}[i]);
        if (o == NULL) {{
            PyErr_Format(PyExc_TypeError,
                         "ParamsType: the params have no field \\"%s\\"",
                         fields_{name}[i]);
            {fail}
        }}
        {name}->extract(o, i);
        if ({name}->errorOccurred()) {{
            if (!PyErr_Occurred())
                PyErr_Format(PyExc_ValueError,
                             "ParamsType: bad value for field \\"%s\\"",
                             fields_{name}[i]);
            {fail}
        }}
    }}
}}
"""

    def c_sync(self, name, sub):
        raise NotImplementedError("ParamsType values cannot be graph outputs")
