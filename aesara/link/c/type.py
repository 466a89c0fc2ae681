"""Types that can take part in C code: the base class and a few general ones.

:class:`CType` is a :class:`~aesara.graph.type.Type` that also carries the
C hooks of :class:`~aesara.link.c.interface.CLinkerType`; aesara's tensor and
scalar types derive from it, as in Aesara. The concrete types here are

- :class:`Generic` (its instance :data:`generic`): any Python object;
- :class:`CDataType`: an opaque C pointer carried in a ``PyCapsule``;
- :class:`EnumType`, :class:`EnumList`, :class:`CEnumType`: named constants,
  used as Op parameters, whose values are read in Python as attributes.

Their Python behaviour (``filter``, equality, hashing, pickling) is complete;
their C hooks produce the C snippets of Aesara's extension API for user ops.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from aesara.graph.basic import Constant
from aesara.graph.type import Type
from aesara.link.c.interface import CLinkerType

__all__ = [
    "CType",
    "Generic",
    "generic",
    "CDataType",
    "CDataTypeConstant",
    "EnumType",
    "EnumList",
    "CEnumType",
]


class CType(Type, CLinkerType):
    """A :class:`~aesara.graph.type.Type` with C hooks.

    Subclass it to define a type whose values C code of user Ops can read:
    implement :meth:`filter` for the Python side and ``c_declare``,
    ``c_init``, ``c_extract`` and ``c_sync`` for the C side.
    """


class Generic(CType):
    """The type of an arbitrary Python object, seen in C as a ``PyObject *``.

    There is one instance, :data:`generic`; ``Generic()`` returns it. Every
    value is accepted unchanged; two values are equal when ``==`` says so
    (identity when ``==`` fails or is ambiguous, e.g. for arrays).
    """

    __props__ = ()
    _instance: Generic | None = None

    def __new__(cls, *args, **kwargs):
        # One instance per class: Generic() is generic.
        existing = cls.__dict__.get("_instance")
        if existing is None:
            existing = super().__new__(cls)
            cls._instance = existing
        return existing

    def __reduce__(self):
        return (type(self), ())

    def filter(self, data: Any, strict: bool = False, allow_downcast=None) -> Any:
        """Return ``data`` unchanged: every Python object is a valid value."""
        return data

    def is_valid_value(self, data: Any, strict: bool = True) -> bool:
        """Always ``True``."""
        return True

    def values_eq(self, a: Any, b: Any) -> bool:
        """Whether ``a == b``, falling back to identity when ``==`` is not a bool."""
        try:
            return bool(a == b)
        except Exception:
            return a is b

    def c_declare(self, name, sub, check_input=True):
        return f"PyObject* {name};\n"

    def c_init(self, name, sub):
        return f"{name} = NULL;\n"

    def c_extract(self, name, sub, check_input=True, **kwargs):
        return f"Py_INCREF(py_{name});\n{name} = py_{name};\n"

    def c_cleanup(self, name, sub):
        return f"Py_XDECREF({name});\n"

    def c_sync(self, name, sub):
        return (
            f"Py_XDECREF(py_{name});\n"
            f"py_{name} = {name} ? {name} : Py_None;\n"
            f"Py_INCREF(py_{name});\n"
        )

    def c_code_cache_version(self):
        return (1,)

    def __str__(self):
        return type(self).__name__


generic = Generic()


# ``datetime.datetime_CAPI`` is a PyCapsule: its class is the capsule type.
_capsule_type: type = type(datetime.datetime_CAPI)


class CDataType(CType):
    """The type of an opaque C pointer passed between Ops' C code.

    In Python its values are ``PyCapsule`` objects (or ``None``).

    Parameters
    ----------
    ctype
        The C type of the pointer, with its ``*`` (``"gsl_rng *"``).
    freefunc
        Name of a C function ``void f(void *)`` that frees the pointer when
        its capsule dies, or ``None``.
    headers, header_dirs, libraries, lib_dirs, compile_args
        What the C code needs to compile and link (sequences of strings).
    extra_support_code
        C code added after the capsule helpers.
    version
        Extra entry of the C cache version (``None`` for none).
    """

    __props__ = (
        "ctype",
        "freefunc",
        "headers",
        "header_dirs",
        "libraries",
        "lib_dirs",
        "extra_support_code",
        "compile_args",
        "version",
    )

    def __init__(
        self,
        ctype: str,
        freefunc: str | None = None,
        headers=(),
        header_dirs=(),
        libraries=(),
        lib_dirs=(),
        compile_args=(),
        extra_support_code: str = "",
        version=None,
    ):
        if not isinstance(ctype, str):
            raise TypeError(
                f"CDataType: ctype must be a str naming a C pointer type, got "
                f"{type(ctype).__name__} ({ctype!r})"
            )
        if freefunc is not None and not isinstance(freefunc, str):
            raise TypeError(
                f"CDataType: freefunc must be None or the name of a C function, "
                f"got {type(freefunc).__name__} ({freefunc!r})"
            )
        if not isinstance(extra_support_code, str):
            raise TypeError(
                "CDataType: extra_support_code must be a str, got "
                f"{type(extra_support_code).__name__}"
            )
        self.ctype = ctype
        self.freefunc = freefunc
        self.headers = self._strings("headers", headers)
        self.header_dirs = self._strings("header_dirs", header_dirs)
        self.libraries = self._strings("libraries", libraries)
        self.lib_dirs = self._strings("lib_dirs", lib_dirs)
        self.compile_args = self._strings("compile_args", compile_args)
        self.extra_support_code = extra_support_code
        self.version = version

    @staticmethod
    def _strings(what: str, values) -> tuple[str, ...]:
        if isinstance(values, str):
            raise TypeError(
                f"CDataType: {what} must be a sequence of strings, not one string "
                f"({values!r})"
            )
        out = tuple(values)
        for v in out:
            if not isinstance(v, str):
                raise TypeError(
                    f"CDataType: every entry of {what} must be a str, got "
                    f"{type(v).__name__} ({v!r})"
                )
        return out

    def filter(self, data: Any, strict: bool = False, allow_downcast=None) -> Any:
        """Return ``data`` if it is ``None`` or a ``PyCapsule``.

        Raises
        ------
        TypeError
            For any other object.
        """
        if data is not None and not isinstance(data, _capsule_type):
            raise TypeError(
                f"{self}: expected None or a PyCapsule, got "
                f"{type(data).__name__} ({data!r})"
            )
        return data

    def c_declare(self, name, sub, check_input=True):
        return f"{self.ctype} {name};\n"

    def c_init(self, name, sub):
        return f"{name} = NULL;\n"

    def c_extract(self, name, sub, check_input=True, **kwargs):
        return (
            f"{name} = ({self.ctype})PyCapsule_GetPointer(py_{name}, NULL);\n"
            f"if ({name} == NULL) {{ {sub['fail']} }}\n"
        )

    def c_sync(self, name, sub):
        free = self.freefunc or "NULL"
        code = (
            f"Py_XDECREF(py_{name});\n"
            f"if ({name} == NULL) {{\n"
            f"  py_{name} = Py_None;\n"
            f"  Py_INCREF(py_{name});\n"
            "} else {\n"
            f"  py_{name} = PyCapsule_New((void *){name}, NULL, "
            "aesara_capsule_free);\n"
            f"  if (py_{name} != NULL &&\n"
            f"      PyCapsule_SetContext(py_{name}, (void *){free}) != 0) {{\n"
            f"    Py_DECREF(py_{name});\n"
            f"    py_{name} = NULL;\n"
            "  }\n"
            "}\n"
        )
        if self.freefunc is not None:
            # The capsule could not be made: nobody else will free the data.
            code += f"if (py_{name} == NULL) {{ {self.freefunc}({name}); }}\n"
        return code

    def c_cleanup(self, name, sub):
        # The capsule owns the pointer and frees it with freefunc.
        return ""

    def c_headers(self, **kwargs):
        return list(self.headers)

    def c_header_dirs(self, **kwargs):
        return list(self.header_dirs)

    def c_libraries(self, **kwargs):
        return list(self.libraries)

    def c_lib_dirs(self, **kwargs):
        return list(self.lib_dirs)

    def c_compile_args(self, **kwargs):
        return list(self.compile_args)

    def c_support_code(self, **kwargs):
        helper = (
            "static void aesara_capsule_free(PyObject *capsule) {\n"
            "    void (*release)(void *) = "
            "(void (*)(void *))PyCapsule_GetContext(capsule);\n"
            "    void *data = PyCapsule_GetPointer(capsule, NULL);\n"
            "    if (release != NULL) release(data);\n"
            "}\n"
        )
        return helper + self.extra_support_code

    def c_code_cache_version(self):
        base = (3,)
        return base if self.version is None else base + (self.version,)

    def __str__(self):
        return f"{type(self).__name__}{{{self.ctype}}}"

    def __setstate__(self, state):
        # Pickles from older versions may lack the later attributes.
        self.__dict__.update(state)
        for attr in ("headers", "header_dirs", "libraries", "lib_dirs", "compile_args"):
            self.__dict__.setdefault(attr, ())
        self.__dict__.setdefault("extra_support_code", "")
        self.__dict__.setdefault("version", None)


class CDataTypeConstant(Constant):
    """A constant holding a C pointer.

    Two such constants merge only when they hold the very same capsule: the
    pointed-to data cannot be compared.
    """

    def merge_signature(self):
        return id(self.data)

    def signature(self):
        return (self.type,)


CDataType.constant_type = CDataTypeConstant


_C_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_CONSTANT_NAME = re.compile(r"[A-Z][A-Z0-9_]*\Z")


class EnumType(CType, dict):
    """A set of named numeric constants, usable as an Op parameter type.

    Each keyword argument defines a constant: its name (capital letters,
    digits and underscores, starting with a letter) and its value (an int or
    a float; a bool becomes 0 or 1). A value may be given as a pair
    ``(alias, value)`` to also make the constant reachable by the string
    ``alias``. The constants are read as attributes (``enum.MODE_A``) or
    items, and cannot be changed. In C code each becomes a ``#define``.

    Parameters
    ----------
    ctype
        The C type of a value (default ``"double"``); one or more C keywords
        such as ``"unsigned long long"``.
    cname
        A C identifier naming this enumeration in generated helpers (default:
        ``ctype`` with spaces replaced by underscores).
    **constants
        The constants, ``NAME=value`` or ``NAME=(alias, value)``.

    Examples
    --------
    >>> from aesara.link.c.type import EnumType
    >>> mode = EnumType(FAST=1, SAFE=("careful", 2), ctype="int")
    >>> mode.SAFE, mode.fromalias("careful")
    (2, 2)
    >>> mode.filter("careful")
    2
    """

    def __init__(self, **kwargs):
        cls_name = type(self).__name__
        ctype = kwargs.pop("ctype", "double")
        if not isinstance(ctype, str) or not ctype.split():
            raise TypeError(f"{cls_name}: ctype must be a non-empty str, got {ctype!r}")
        words = ctype.split()
        if not all(_C_IDENTIFIER.match(w) for w in words):
            raise TypeError(f"{cls_name}: invalid C type {ctype!r}")
        ctype = " ".join(words)
        cname = kwargs.pop("cname", ctype.replace(" ", "_"))
        if not isinstance(cname, str) or not _C_IDENTIFIER.match(cname):
            raise TypeError(f"{cls_name}: invalid C name {cname!r}")

        aliases: dict[str, str] = {}
        values: dict[str, int | float] = {}
        for key, value in kwargs.items():
            if not _CONSTANT_NAME.match(key):
                raise AttributeError(
                    f'{cls_name}: invalid constant name "{key}": only capital '
                    "letters, digits and underscores are allowed, starting with a "
                    "letter"
                )
            if isinstance(value, (tuple, list)):
                if len(value) != 2:
                    raise TypeError(
                        f"{cls_name}: constant {key} given as a sequence must be a "
                        f"pair (alias, value), got {value!r}"
                    )
                alias, value = value
                if not isinstance(alias, str):
                    raise TypeError(
                        f"{cls_name}: the alias of constant {key} must be a str, got "
                        f"{type(alias).__name__} ({alias!r})"
                    )
                if alias == key:
                    raise TypeError(
                        f"{cls_name}: constant {key} cannot have itself as alias"
                    )
                if alias in aliases:
                    raise TypeError(
                        f'{cls_name}: alias "{alias}" is used by both '
                        f"{aliases[alias]} and {key}"
                    )
                aliases[alias] = key
            if isinstance(value, bool):
                value = int(value)
            elif not isinstance(value, (int, float)):
                raise TypeError(
                    f"{cls_name}: constant {key} must be an int or a float, got "
                    f"{type(value).__name__} ({value!r})"
                )
            values[key] = value
        clashes = sorted(a for a in aliases if a in values)
        if clashes:
            raise TypeError(f"{cls_name}: aliases {clashes} are also constant names")
        dict.__init__(self, values)
        # Attributes go through object.__setattr__: __setattr__ refuses names
        # of constants, and none of these is one (they are lower case).
        object.__setattr__(self, "ctype", ctype)
        object.__setattr__(self, "cname", cname)
        object.__setattr__(self, "aliases", aliases)

    def fromalias(self, alias: str) -> int | float:
        """Return the value of the constant with alias (or name) ``alias``.

        Raises
        ------
        KeyError
            If ``alias`` is neither an alias nor a constant name.
        """
        aliases = self.__dict__.get("aliases", {})
        if alias in aliases:
            return self[aliases[alias]]
        if alias in self:
            return self[alias]
        raise KeyError(
            f"{type(self).__name__}: {alias!r} is neither a constant name nor an "
            f"alias (constants: {sorted(self)}, aliases: {sorted(aliases)})"
        )

    def has_alias(self, alias: str) -> bool:
        """Whether ``alias`` is an alias of one of the constants."""
        return alias in self.aliases

    def get_aliases(self) -> tuple[str, ...]:
        """Return all aliases, sorted."""
        return tuple(sorted(self.aliases))

    def __repr__(self):
        by_name = {name: alias for alias, name in self.aliases.items()}
        parts = []
        for key in sorted(self):
            shown = f"{key}({by_name[key]})" if key in by_name else key
            parts.append(f"{shown}:{self[key]}")
        return f"{type(self).__name__}<{self.ctype}>({', '.join(parts)})"

    __str__ = __repr__

    def __getattr__(self, key):
        # Only called when normal lookup fails: constants read as attributes.
        if key in self:
            return self[key]
        raise AttributeError(
            f"{type(self).__name__} has no attribute or constant {key!r}"
        )

    def __setattr__(self, key, value):
        if key in self:
            raise NotImplementedError(
                f"{type(self).__name__}: constant {key} cannot be changed"
            )
        object.__setattr__(self, key, value)

    def __setitem__(self, key, value):
        raise NotImplementedError(f"{type(self).__name__}: constants cannot be changed")

    def __delitem__(self, key):
        raise NotImplementedError(f"{type(self).__name__}: constants cannot be deleted")

    def _refuse(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__}: constants cannot be changed")

    update = pop = popitem = clear = setdefault = __ior__ = _refuse

    def _key(self) -> tuple:
        return (
            type(self),
            self.ctype,
            tuple(sorted(self.items())),
            tuple(sorted(self.aliases.items())),
        )

    def __hash__(self):
        return hash(self._key())

    def __eq__(self, other):
        if self is other:
            return True
        if type(self) is not type(other):
            return False
        return self._key() == other._key()

    def __ne__(self, other):
        return not self == other

    def __reduce__(self):
        kwargs = {}
        by_name = {name: alias for alias, name in self.aliases.items()}
        for key, value in self.items():
            kwargs[key] = (by_name[key], value) if key in by_name else value
        return (_rebuild_enum, (type(self), kwargs, self.ctype, self.cname))

    def filter(self, data: Any, strict: bool = False, allow_downcast=None) -> Any:
        """Return ``data`` if it is the value of one of the constants.

        Unless ``strict``, a bool is taken as 0/1 and a string as a constant's
        alias or name.

        Raises
        ------
        TypeError
            If ``data`` is not one of the constants' values.
        """
        if not strict:
            if isinstance(data, bool):
                data = int(data)
            elif isinstance(data, str):
                try:
                    data = self.fromalias(data)
                except KeyError as e:
                    raise TypeError(str(e.args[0])) from None
        try:
            known = not isinstance(data, (str, bytes)) and any(
                bool(data == v) for v in self.values()
            )
        except (TypeError, ValueError):  # arrays and other odd objects
            known = False
        if not known:
            raise TypeError(
                f"{self!r}: {data!r} is not the value of any constant "
                f"(values: {sorted(set(self.values()))})"
            )
        return data

    def values_eq(self, a, b) -> bool:
        return a == b

    def values_eq_approx(self, a, b) -> bool:
        # Approximate equality means nothing for named choices.
        return self.values_eq(a, b)

    _pyint_compat = (
        "#ifndef PyInt_Check\n#define PyInt_Check PyLong_Check\n#endif\n"
        "#ifndef PyInt_AsLong\n#define PyInt_AsLong PyLong_AsLong\n#endif\n"
    )

    def c_to_string(self) -> str:
        """Return C code of ``aesara_enum_to_string_<cname>(value, out)``.

        The function writes the name of the constant whose value is ``value``
        into ``out`` and returns 0, or sets a Python ``ValueError`` and returns
        -1 for an unknown value. It is compiled only when ``DEBUG`` is defined.
        """
        cases = "".join(
            f'        case {key}: sprintf(out, "{key}"); break;\n' for key in self
        )
        return (
            "#ifdef DEBUG\n"
            f"int aesara_enum_to_string_{self.cname}({self.ctype} in, char *out) {{\n"
            "    switch (in) {\n"
            f"{cases}"
            "        default:\n"
            f'            PyErr_SetString(PyExc_ValueError, "{type(self).__name__}: '
            'unknown enum value.");\n'
            "            return -1;\n"
            "    }\n"
            "    return 0;\n"
            "}\n"
            "#endif\n"
        )

    def c_support_code(self, **kwargs):
        defines = "".join(f"#define {key} {self[key]}\n" for key in sorted(self))
        return self._pyint_compat + defines + self.c_to_string()

    def c_declare(self, name, sub, check_input=True):
        return f"{self.ctype} {name};\n"

    def c_init(self, name, sub):
        return f"{name} = ({self.ctype})0;\n"

    def c_cleanup(self, name, sub):
        return ""

    def c_extract(self, name, sub, check_input=True, **kwargs):
        return (
            f"if (PyLong_Check(py_{name})) {{\n"
            f"    {name} = ({self.ctype})PyLong_AsLong(py_{name});\n"
            "} else {\n"
            f"    {name} = ({self.ctype})PyFloat_AsDouble(py_{name});\n"
            "}\n"
            f"if (PyErr_Occurred()) {{ {sub['fail']} }}\n"
        )

    def c_sync(self, name, sub):
        raise NotImplementedError(
            f"{type(self).__name__} values cannot be graph outputs"
        )

    def c_code_cache_version(self):
        return (2, self.ctype, self.cname, tuple(sorted(self.items())))


def _rebuild_enum(cls, kwargs, ctype, cname):
    obj = cls.__new__(cls)
    EnumType.__init__(obj, ctype=ctype, cname=cname, **kwargs)
    return obj


class EnumList(EnumType):
    """An :class:`EnumType` whose constants are numbered 0, 1, 2, ... in order.

    Parameters
    ----------
    *names
        Constant names, or pairs ``(name, alias)``.
    ctype
        The C type of a value (default ``"int"``).
    cname
        A C identifier naming this enumeration.

    Examples
    --------
    >>> from aesara.link.c.type import EnumList
    >>> colours = EnumList("RED", ("GREEN", "g"), "BLUE")
    >>> colours.RED, colours.GREEN, colours.fromalias("g"), colours.BLUE
    (0, 1, 1, 2)
    """

    def __init__(self, *args, **kwargs):
        cls_name = type(self).__name__
        unknown = sorted(set(kwargs) - {"ctype", "cname"})
        if unknown:
            raise TypeError(
                f"{cls_name}: unexpected keyword arguments {unknown}; constants are "
                'given positionally and only "ctype" and "cname" are accepted'
            )
        constants: dict[str, Any] = {}
        for rank, arg in enumerate(args):
            if isinstance(arg, (tuple, list)):
                if len(arg) != 2:
                    raise TypeError(
                        f"{cls_name}: a constant given as a sequence must be a pair "
                        f"(name, alias), got {arg!r}"
                    )
                name, alias = arg
                if not isinstance(alias, str):
                    raise TypeError(
                        f"{cls_name}: the alias of constant {name!r} must be a str, "
                        f"got {type(alias).__name__} ({alias!r})"
                    )
                value: Any = (alias, rank)
            else:
                name, value = arg, rank
            if not isinstance(name, str):
                raise TypeError(
                    f"{cls_name}: constant names must be str, got "
                    f"{type(name).__name__} ({name!r})"
                )
            if name in constants:
                raise TypeError(f"{cls_name}: constant name {name!r} given twice")
            constants[name] = value
        constants["ctype"] = kwargs.get("ctype", "int")
        if "cname" in kwargs:
            constants["cname"] = kwargs["cname"]
        super().__init__(**constants)


class CEnumType(EnumList):
    """An enumeration of constants defined by C code (headers or macros).

    In Python the constants are numbered like :class:`EnumList` and serve only
    to choose; in C the names refer to the real C constants, and a value
    received from Python is mapped to the C constant of the same name. The
    Op using it must make the C definitions visible (``c_headers``...).
    """

    def c_support_code(self, **kwargs):
        return self._pyint_compat + self.c_to_string()

    def c_extract(self, name, sub, check_input=True, **kwargs):
        cases = "".join(
            f"    case {value}: {name} = {key}; break;\n"
            for key, value in sorted(self.items(), key=lambda kv: kv[1])
        )
        return (
            f"switch (PyLong_AsLong(py_{name})) {{\n"
            f"{cases}"
            "    default:\n"
            "        PyErr_SetString(PyExc_ValueError, "
            '"CEnumType: invalid value to map to C constants.");\n'
            f"        {{ {sub['fail']} }}\n"
            "        break;\n"
            "}\n"
        )

    def c_code_cache_version(self):
        return (1, super().c_code_cache_version())
