"""The hooks through which Ops and Types can supply C code.

These classes describe Aesara's C extension interface: an object that
wants to contribute C source to a compiled module overrides some of these
methods. :class:`CLinkerObject` holds the hooks shared by Ops and Types
(headers, libraries, support code, compiler flags, a cache version);
:class:`CLinkerOp` adds the per-node hooks of an Op and
:class:`CLinkerType` the hooks that move a value of a Type between Python
and a C variable.

Every hook has a harmless default (an empty list or string, or ``()`` for
the cache version) except the ones a C implementation cannot do without
(:meth:`CLinkerOp.c_code`, :meth:`CLinkerType.c_declare`, ``c_init``,
``c_extract``, ``c_sync``), which raise
:class:`~aesara.graph.utils.MethodNotDefined` until a subclass provides them.
aesara's own C backend generates its kernels from the Ops' math and does not
call these hooks; they are the place where users' C code plugs in.
"""

from __future__ import annotations

from typing import Any

from aesara.graph.utils import MethodNotDefined

__all__ = ["CLinkerObject", "CLinkerOp", "CLinkerType", "HideC"]


def _missing(owner: Any, hook: str) -> MethodNotDefined:
    return MethodNotDefined(
        f"{type(owner).__name__} does not implement the C hook {hook!r}"
    )


class CLinkerObject:
    """Hooks shared by every object that can contribute C code.

    All methods accept and ignore extra keyword arguments (the linker may
    pass context such as the compiler in use).
    """

    def c_headers(self, **kwargs) -> list[str]:
        """Return the header files the generated code includes.

        Returns
        -------
        list of str
            Names such as ``"<math.h>"`` or ``"my_header.h"``.
        """
        return []

    def c_header_dirs(self, **kwargs) -> list[str]:
        """Return extra directories searched for headers.

        Returns
        -------
        list of str
            Directory paths passed to the compiler as ``-I`` options.
        """
        return []

    def c_libraries(self, **kwargs) -> list[str]:
        """Return the libraries the compiled module links against.

        Returns
        -------
        list of str
            Library names without the ``lib`` prefix (``"m"``, ``"gsl"``).
        """
        return []

    def c_lib_dirs(self, **kwargs) -> list[str]:
        """Return extra directories searched for libraries.

        Returns
        -------
        list of str
            Directory paths passed to the linker as ``-L`` options.
        """
        return []

    def c_support_code(self, **kwargs) -> str:
        """Return C code placed once at file scope (helpers, macros).

        Returns
        -------
        str
            C source; identical snippets from several objects are emitted once.
        """
        return ""

    def c_compile_args(self, **kwargs) -> list[str]:
        """Return extra compiler options the code needs.

        Returns
        -------
        list of str
            Options such as ``"-ffast-math"``.
        """
        return []

    def c_no_compile_args(self, **kwargs) -> list[str]:
        """Return compiler options that must be removed for this code.

        Returns
        -------
        list of str
            Options the linker drops from its default command line.
        """
        return []

    def c_init_code(self, **kwargs) -> list[str]:
        """Return C statements run once when the compiled module is loaded.

        Returns
        -------
        list of str
            Statements placed in the module's initialisation function.
        """
        return []

    def c_code_cache_version(self) -> tuple:
        """Return a version key for the compiled-code cache.

        Returns
        -------
        tuple
            A tuple of hashable values that changes whenever the generated C
            code changes; the empty tuple means "never cache this code".
        """
        return ()


class CLinkerOp(CLinkerObject):
    """The C hooks of an Op: code for one node of a graph."""

    def c_code(
        self,
        node: Any,
        name: str,
        inputs: list[str],
        outputs: list[str],
        sub: dict[str, str],
    ) -> str:
        """Return the C code that computes ``node``'s outputs.

        Parameters
        ----------
        node
            The ``Apply`` node being compiled.
        name
            A name unique to this node in the generated module.
        inputs, outputs
            The C variable names of the node's inputs and outputs.
        sub
            Substitutions; ``sub["fail"]`` is the statement to run on error.

        Raises
        ------
        MethodNotDefined
            Unless a subclass provides C code.
        """
        raise _missing(self, "c_code")

    def c_code_cache_version_apply(self, node: Any) -> tuple:
        """Return the cache version of the code made for ``node``.

        Defaults to :meth:`c_code_cache_version`.
        """
        return self.c_code_cache_version()

    def c_code_cleanup(
        self,
        node: Any,
        name: str,
        inputs: list[str],
        outputs: list[str],
        sub: dict[str, str],
    ) -> str:
        """Return C code run after :meth:`c_code`, success or not."""
        return ""

    def c_support_code_apply(self, node: Any, name: str) -> str:
        """Return file-scope C code specific to ``node`` (named with ``name``)."""
        return ""

    def c_init_code_apply(self, node: Any, name: str) -> str:
        """Return module-initialisation C code specific to ``node``."""
        return ""

    def c_init_code_struct(self, node: Any, name: str, sub: dict[str, str]) -> str:
        """Return C code run when the node's struct is initialised."""
        return ""

    def c_support_code_struct(self, node: Any, name: str) -> str:
        """Return C members and methods added to the node's struct."""
        return ""

    def c_cleanup_code_struct(self, node: Any, name: str) -> str:
        """Return C code run when the node's struct is destroyed."""
        return ""


def _registered(owner: Any, hook: str):
    """The hook ``hook`` registered for ``owner``'s class, if any.

    Types such as ``TensorType`` carry no C themselves; their hooks live in
    :mod:`aesara.link.c.type_hooks` and are found through this lookup.
    """
    from aesara.link.c.type_hooks import c_hooks_for

    hooks = c_hooks_for(owner)
    if hooks is None:
        return None
    method = getattr(hooks, hook, None)
    if method is None:
        return None
    return lambda *args, **kwargs: method(owner, *args, **kwargs)


class CLinkerType(CLinkerObject):
    """The C hooks of a Type: how a value crosses between Python and C.

    In the templates below ``name`` is the C variable holding the value and
    ``py_<name>`` the ``PyObject *`` that holds it on the Python side.

    A subclass either overrides the hooks, or has them registered for its
    class with :func:`aesara.link.c.type_hooks.register_c_hooks`; these
    defaults use the registered ones when there are.
    """

    def _hook_or(self, hook: str, default: Any, *args, **kwargs):
        fn = _registered(self, hook)
        if fn is not None:
            return fn(*args, **kwargs)
        if isinstance(default, BaseException):
            raise default
        return default

    def c_declare(
        self, name: str, sub: dict[str, str], check_input: bool = True
    ) -> str:
        """Return the C declaration of the variable ``name``.

        Raises
        ------
        MethodNotDefined
            Unless a subclass provides it.
        """
        return self._hook_or(
            "c_declare", _missing(self, "c_declare"), name, sub, check_input
        )

    def c_init(self, name: str, sub: dict[str, str]) -> str:
        """Return C code giving ``name`` an empty initial value.

        Raises
        ------
        MethodNotDefined
            Unless a subclass provides it.
        """
        return self._hook_or("c_init", _missing(self, "c_init"), name, sub)

    def c_extract(
        self, name: str, sub: dict[str, str], check_input: bool = True, **kwargs
    ) -> str:
        """Return C code reading ``py_<name>`` into ``name``.

        Raises
        ------
        MethodNotDefined
            Unless a subclass provides it.
        """
        return self._hook_or(
            "c_extract", _missing(self, "c_extract"), name, sub, check_input, **kwargs
        )

    def c_sync(self, name: str, sub: dict[str, str]) -> str:
        """Return C code writing ``name`` back into ``py_<name>``.

        Raises
        ------
        MethodNotDefined
            Unless a subclass provides it.
        """
        return self._hook_or("c_sync", _missing(self, "c_sync"), name, sub)

    def c_element_type(self) -> str:
        """Return the C type of one element of a value (``"npy_float64"``...)."""
        return self._hook_or("c_element_type", "")

    def c_is_simple(self) -> bool:
        """Whether values are plain C scalars that need no reference counting."""
        return self._hook_or("c_is_simple", False)

    def c_literal(self, data: Any) -> str:
        """Return ``data`` written as a C literal, or ``""`` if not possible."""
        return self._hook_or("c_literal", "", data)

    def c_extract_out(
        self, name: str, sub: dict[str, str], check_input: bool = True, **kwargs
    ) -> str:
        """Return C code that extracts ``py_<name>`` unless it is ``None``.

        Output storage starts as ``None``; this wraps :meth:`c_extract` so an
        empty cell leaves ``name`` at its :meth:`c_init` value.
        """
        init = self.c_init(name, sub)
        extract = self.c_extract(name, sub, check_input=check_input, **kwargs)
        return f"if (py_{name} == Py_None) {{\n{init}\n}} else {{\n{extract}\n}}\n"

    def c_cleanup(self, name: str, sub: dict[str, str]) -> str:
        """Return C code releasing whatever ``name`` owns."""
        return self._hook_or("c_cleanup", "", name, sub)

    def c_headers(self, **kwargs) -> list[str]:
        return self._hook_or("c_headers", [], **kwargs)

    def c_support_code(self, **kwargs) -> str:
        return self._hook_or("c_support_code", "", **kwargs)

    def c_code_cache_version(self) -> tuple:
        return self._hook_or("c_code_cache_version", ())


class HideC(CLinkerOp):
    """Mixin that hides the C hooks an Op inherits from a C-enabled parent.

    A subclass of an Op with C code that changes the Op's behaviour should
    not silently reuse the parent's C code; mixing this class in first makes
    every code-producing hook raise
    :class:`~aesara.graph.utils.MethodNotDefined`.
    """

    def _hidden(self, *args, **kwargs):
        raise MethodNotDefined(
            f"{type(self).__name__} hides the C code of the Op it derives from"
        )

    c_code = _hidden
    c_code_cleanup = _hidden
    c_support_code = _hidden
    c_support_code_apply = _hidden
    c_init_code = _hidden
    c_init_code_apply = _hidden
    c_init_code_struct = _hidden
    c_support_code_struct = _hidden
    c_cleanup_code_struct = _hidden
    c_headers = _hidden
    c_header_dirs = _hidden
    c_libraries = _hidden
    c_lib_dirs = _hidden
    c_compile_args = _hidden
    c_no_compile_args = _hidden

    def c_code_cache_version(self) -> tuple:
        return ()

    def c_code_cache_version_apply(self, node: Any) -> tuple:
        return self.c_code_cache_version()
