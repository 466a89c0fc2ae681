"""Ops that carry their own C code: the door for users' C implementations.

aesara's own ops are math only and the C backend generates their kernels;
an Op written by a user may instead bring C code through the hooks of
:class:`~aesara.link.c.interface.CLinkerOp`:

- :class:`COp`: an Op with ``c_code`` (and optionally the other hooks);
  its thunk runs the compiled code when a compiler works
  (:mod:`aesara.link.c.node_module`), ``perform`` otherwise (with one
  warning).
- :class:`ExternalCOp`: the C code is read from files split into
  ``#section`` blocks; macros (``APPLY_SPECIFIC``, ``DTYPE_INPUT_0``,
  ``FAIL``, ``PARAMS``...) are defined around each block.
- :class:`OpenMPOp`: a ``COp`` with an ``openmp`` flag adding ``-fopenmp``
  when the compiler supports it.
"""

from __future__ import annotations

import inspect
import os
import re
import subprocess
import tempfile
import warnings
from collections.abc import Callable
from typing import Any, ClassVar

import numpy as np

from aesara.graph.basic import Apply
from aesara.graph.op import Op
from aesara.graph.type import HasDataType
from aesara.graph.utils import MethodNotDefined
from aesara.link.c.interface import CLinkerOp
from aesara.link.c.params_type import ParamsType
from aesara.utils import hash_from_code

__all__ = [
    "COp",
    "is_cthunk_wrapper_type",
    "ExternalCOp",
    "OpenMPOp",
    "get_io_macros",
    "get_sub_macros",
    "lquote_macro",
]

_warned_fallback = False


def _warn_fallback(op: Any) -> None:
    """Warn once per process that C ops run ``perform`` for want of a compiler.

    Silent when ``config.cxx`` was emptied on a machine that has ``g++``:
    that is how users ask for Python-only code.
    """
    global _warned_fallback
    if _warned_fallback:
        return
    import shutil

    from aesara.configdefaults import config

    if not config.cxx and shutil.which("g++"):
        return
    _warned_fallback = True
    warnings.warn(
        f"aesara: no working C compiler; ops with C code (first: {op}) run their "
        "Python implementation (perform) instead. Install gcc or set "
        "AESARA_FLAGS=cxx=/path/to/compiler.",
        RuntimeWarning,
        stacklevel=4,
    )


def _has_python_impl(op: Any) -> bool:
    return not isinstance(op, (_NoPythonCOp, _NoPythonExternalCOp)) and (
        type(op).perform is not Op.perform
    )


def _compiler_works() -> bool:
    from aesara.link.c.compiler import c_compiler_available

    return c_compiler_available()


def is_cthunk_wrapper_type(thunk: Callable[[], None]) -> Callable[[], None]:
    """Return ``thunk`` if it runs compiled C code (it has a ``cthunk``).

    Raises
    ------
    TypeError
        When ``thunk`` is a Python (``perform``) thunk.
    """
    if not hasattr(thunk, "cthunk"):
        raise TypeError(f"{thunk!r} is not a compiled C thunk (it has no cthunk)")
    return thunk


class COp(Op, CLinkerOp):
    """An Op with a C implementation given by its ``c_code`` hook.

    Subclasses implement ``make_node``, ``c_code`` (and usually
    ``perform``, the reference implementation, and
    ``c_code_cache_version`` so that the compiled module is cached across
    processes).
    """

    def make_c_thunk(
        self,
        node: Apply,
        storage_map,
        compute_map,
        no_recycling,
    ) -> Callable[[], None]:
        """The thunk running this node's compiled C code.

        Raises
        ------
        aesara.link.c.compiler.CompileError
            When the code does not compile (naming the op and the C line).
        MethodNotDefined
            When the op (or a type it uses) has no C code.
        """
        from aesara.link.c.node_module import compile_node, make_node_thunk, node_source

        module = compile_node(node_source(node))
        return make_node_thunk(node, module, storage_map, compute_map, no_recycling)

    def make_thunk(
        self,
        node: Apply,
        storage_map,
        compute_map,
        no_recycling,
        impl: str | None = None,
    ):
        """The node's thunk: compiled C code, or ``perform`` without a compiler.

        Parameters
        ----------
        impl
            ``"py"`` forces ``perform``; ``"c"`` forces C (errors are raised);
            ``None`` uses C when a compiler works.

        Raises
        ------
        aesara.link.c.exceptions.MissingGXX
            No compiler works and the op has no Python implementation.
        aesara.link.c.compiler.CompileError
            The op's C code does not compile.
        """
        from aesara.link.c.exceptions import MissingGXX

        if impl != "py":
            self.prepare_node(node, storage_map, compute_map, impl="c")
            if _compiler_works():
                try:
                    return self.make_c_thunk(
                        node, storage_map, compute_map, no_recycling
                    )
                except (NotImplementedError, MethodNotDefined):
                    if impl == "c" or not _has_python_impl(self):
                        raise
            elif impl == "c" or not _has_python_impl(self):
                raise MissingGXX(
                    f"The op {self} has only a C implementation, and no working C "
                    "compiler was found (config.cxx is empty or does not build "
                    "modules). Install gcc or set AESARA_FLAGS=cxx=/path/to/g++."
                )
            else:
                _warn_fallback(self)
        self.prepare_node(node, storage_map, compute_map, impl="py")
        return self.make_py_thunk(node, storage_map, compute_map, no_recycling)


class OpenMPOp(COp):
    """A :class:`COp` whose C code may use OpenMP.

    Parameters
    ----------
    openmp
        Whether to compile with OpenMP; ``config.openmp`` by default. It is
        switched off (with a warning) when the compiler cannot build OpenMP
        code.
    """

    gxx_support_openmp: ClassVar[bool | None] = None

    def __init__(self, openmp: bool | None = None):
        from aesara.configdefaults import config

        self.openmp = bool(config.openmp) if openmp is None else bool(openmp)

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.__dict__.setdefault("openmp", False)

    def c_compile_args(self, **kwargs):
        return ["-fopenmp"] if self.openmp else []

    def c_headers(self, **kwargs):
        return ["omp.h"] if self.openmp else []

    def c_libraries(self, **kwargs):
        return ["gomp"] if self.openmp else []

    @staticmethod
    def test_gxx_support() -> bool:
        """Whether ``config.cxx`` compiles and links a small OpenMP program."""
        from aesara.configdefaults import config

        if not config.cxx:
            return False
        code = (
            "#include <omp.h>\n"
            "int main(void) {\n"
            "  int n = 0;\n"
            "  #pragma omp parallel for reduction(+:n)\n"
            "  for (int i = 0; i < 4; ++i) n += omp_get_num_threads() > 0;\n"
            "  return n == 4 ? 0 : 1;\n"
            "}\n"
        )
        with tempfile.TemporaryDirectory() as d:
            src = os.path.join(d, "omp.c")
            with open(src, "w") as f:
                f.write(code)
            try:
                proc = subprocess.run(
                    [config.cxx, "-fopenmp", src, "-o", os.path.join(d, "a.out")],
                    capture_output=True,
                    timeout=120,
                )
            except (OSError, subprocess.SubprocessError):
                return False
        return proc.returncode == 0

    def update_self_openmp(self) -> None:
        """Switch ``openmp`` off, warning once, when the compiler lacks OpenMP."""
        if not self.openmp:
            return
        if OpenMPOp.gxx_support_openmp is None:
            OpenMPOp.gxx_support_openmp = OpenMPOp.test_gxx_support()
        if not OpenMPOp.gxx_support_openmp:
            self.openmp = False
            warnings.warn(
                f"{self}: the C compiler does not support OpenMP; compiling "
                "without it.",
                RuntimeWarning,
                stacklevel=2,
            )

    def prepare_node(self, node, storage_map, compute_map, impl):
        if impl == "c":
            self.update_self_openmp()


def lquote_macro(txt: str) -> str:
    """Continue every line but the last with a backslash (for a ``#define``)."""
    lines = txt.split("\n")
    return "\n".join([line + " \\" for line in lines[:-1]] + lines[-1:])


def get_sub_macros(sub: dict[str, str]) -> tuple[str, str]:
    """``#define``/``#undef`` lines of ``FAIL`` (and ``PARAMS``) for ``sub``."""
    defines = [f"#define FAIL {lquote_macro(sub['fail'])}"]
    undefs = ["#undef FAIL"]
    if "params" in sub:
        defines.append(f"#define PARAMS {sub['params']}")
        undefs.append("#undef PARAMS")
    return "\n".join(defines), "\n".join(undefs)


def get_io_macros(inputs: list[str], outputs: list[str]) -> tuple[str, str]:
    """``#define``/``#undef`` lines naming the variables ``INPUT_i``/``OUTPUT_i``."""
    defines, undefs = [], []
    for prefix, names in (("INPUT", inputs), ("OUTPUT", outputs)):
        for i, n in enumerate(names):
            defines.append(f"#define {prefix}_{i} {n}")
            undefs.append(f"#undef {prefix}_{i}")
    return "\n".join(defines), "\n".join(undefs)


class ExternalCOp(COp):
    """A :class:`COp` whose C code is read from files.

    Each file is divided by lines ``#section <kind>``; the kinds are
    ``support_code``, ``support_code_apply``, ``support_code_struct``,
    ``init_code``, ``init_code_apply``, ``init_code_struct``,
    ``cleanup_code_struct``, ``code`` and ``code_cleanup``. Sections of
    later files extend those of earlier ones.

    Around each node-specific section, macros are defined: ``APPLY_SPECIFIC(x)``
    (``x`` made unique to the node), ``DTYPE_INPUT_i``/``DTYPE_OUTPUT_i``,
    ``TYPENUM_...``, ``ITEMSIZE_...``, ``PARAMS_TYPE`` and ``DTYPE_PARAM_<field>``
    (with a :class:`~aesara.link.c.params_type.ParamsType`), and in code
    sections ``FAIL``, ``PARAMS``, ``INPUT_i`` and ``OUTPUT_i``.

    Parameters
    ----------
    func_files
        One path or a list; relative paths are relative to the file that
        defines the subclass.
    func_name
        The C function implementing the op, called as
        ``func_name(input0, ..., &output0, ..., params)`` and returning 0 on
        success; then the files need no ``code`` section.
    """

    section_re: ClassVar[re.Pattern] = re.compile(
        r"^#section ([a-zA-Z0-9_]+)$", re.MULTILINE
    )
    backward_re: ClassVar[re.Pattern] = re.compile(
        r"^AESARA_(APPLY|SUPPORT)_CODE_SECTION$", re.MULTILINE
    )
    SECTIONS: ClassVar[set[str]] = {
        "init_code",
        "init_code_apply",
        "init_code_struct",
        "support_code",
        "support_code_apply",
        "support_code_struct",
        "cleanup_code_struct",
        "code",
        "code_cleanup",
    }
    _cop_num_inputs: int | None = None
    _cop_num_outputs: int | None = None

    @classmethod
    def get_path(cls, f: str) -> str:
        """``f`` made absolute, relative to the directory of the class's file."""
        if os.path.isabs(f):
            return f
        return os.path.realpath(os.path.join(os.path.dirname(inspect.getfile(cls)), f))

    def __init__(self, func_files: str | list[str], func_name: str | None = None):
        self.func_files = (
            list(func_files) if isinstance(func_files, (list, tuple)) else [func_files]
        )
        self.func_name = func_name
        self.func_codes: list[str] = []
        self.code_sections: dict[str, str] = {}
        self.load_c_code(self.func_files)
        if not self.code_sections:
            raise ValueError(
                f"{type(self).__name__}: no sections were defined in {self.func_files}"
            )
        if func_name is not None and "code" in self.code_sections:
            raise ValueError(
                f"{type(self).__name__}: a '#section code' cannot be given "
                "together with func_name"
            )

    def load_c_code(self, func_files: list[str]) -> None:
        """Read ``func_files`` and split them into ``self.code_sections``.

        Raises
        ------
        ValueError
            For code before the first ``#section``, an unknown section, a file
            without sections, or old and new markers mixed.
        """
        paths = [self.get_path(f) for f in func_files]
        for path in paths:
            with open(path) as f:
                self.func_codes.append(f.read())
        old = any(self.backward_re.search(c) for c in self.func_codes)
        new = any(self.section_re.search(c) for c in self.func_codes)
        if old and new:
            raise ValueError(
                f"{type(self).__name__}: the files {paths} mix '#section' markers "
                "with the old AESARA_*_CODE_SECTION markers"
            )
        for path, code in zip(paths, self.func_codes):
            if self.backward_re.search(code):
                parts = self.backward_re.split(code)
                for kind, text in zip(parts[1::2], parts[2::2]):
                    target = "support_code_apply" if kind == "APPLY" else "support_code"
                    self.code_sections[target] = text
                continue
            if not self.section_re.search(code):
                raise ValueError(f"No valid section marker was found in file {path}")
            parts = self.section_re.split(code)
            if parts[0].strip():
                raise ValueError(
                    f"Stray code before the first #section statement (in file "
                    f"{path}): {parts[0].strip()[:80]!r}"
                )
            for kind, text in zip(parts[1::2], parts[2::2]):
                if kind not in self.SECTIONS:
                    raise ValueError(
                        f"Unknown section type (in file {path}): {kind!r}; expected "
                        f"one of {sorted(self.SECTIONS)}"
                    )
                self.code_sections[kind] = self.code_sections.get(kind, "") + text

    def _params_macros(self) -> list[tuple[str, str]]:
        pt = self.params_type
        if not isinstance(pt, ParamsType):
            return []
        out = [("PARAMS_TYPE", pt.name)]
        for f, t in zip(pt.fields, pt.types):
            c_type = t.c_element_type()
            if c_type:
                out.append((f"DTYPE_PARAM_{f}", c_type))
        return out

    def c_code_cache_version(self):
        version: tuple = (hash_from_code("\n".join(self.func_codes)),)
        if self.params_type is not None:
            version += (self.params_type.c_code_cache_version(),)
        return version

    def get_c_macros(
        self, node: Apply, name: str, check_input: bool | None = None
    ) -> tuple[str, str]:
        """``#define``/``#undef`` text of the node-specific macros."""
        if check_input is None:
            check_input = getattr(self, "check_input", True)
        defines: list[tuple[str, Any]] = []
        if check_input:
            labels = [f"INPUT_{i}" for i in range(len(node.inputs))] + [
                f"OUTPUT_{i}" for i in range(len(node.outputs))
            ]
            for label, v in zip(labels, node.inputs + node.outputs):
                if not isinstance(v.type, HasDataType):
                    continue
                d = np.dtype(v.type.dtype)
                defines += [
                    (f"DTYPE_{label}", f"npy_{d.name}"),
                    (f"TYPENUM_{label}", d.num),
                    (f"ITEMSIZE_{label}", d.itemsize),
                ]
        defines.append(("APPLY_SPECIFIC(str)", f"str##_{name}"))
        defines += self._params_macros()
        define_text = "\n".join(f"#define {k} {v}" for k, v in defines)
        undef_text = "\n".join(f"#undef {k.split('(')[0]}" for k, _ in defines)
        return define_text, undef_text

    def _wrapped(self, section: str, node, name: str, sub=None, io=None) -> str:
        defs, undefs = self.get_c_macros(node, name)
        parts = [defs]
        tail = [undefs]
        if sub is not None:
            sdef, sundef = get_sub_macros(sub)
            parts.append(sdef)
            tail.insert(0, sundef)
        if io is not None:
            idef, iundef = get_io_macros(*io)
            parts.append(idef)
            tail.insert(0, iundef)
        return "\n".join(["", *parts, self.code_sections[section], *tail])

    def c_init_code(self, **kwargs):
        if "init_code" in self.code_sections:
            return [self.code_sections["init_code"]]
        return super().c_init_code(**kwargs)

    def c_support_code(self, **kwargs):
        if "support_code" in self.code_sections:
            return self.code_sections["support_code"]
        return super().c_support_code(**kwargs)

    def c_init_code_apply(self, node, name):
        if "init_code_apply" in self.code_sections:
            return self._wrapped("init_code_apply", node, name)
        return super().c_init_code_apply(node, name)

    def c_support_code_apply(self, node, name):
        if "support_code_apply" in self.code_sections:
            return self._wrapped("support_code_apply", node, name)
        return super().c_support_code_apply(node, name)

    def c_support_code_struct(self, node, name):
        if "support_code_struct" in self.code_sections:
            return self._wrapped("support_code_struct", node, name)
        return super().c_support_code_struct(node, name)

    def c_cleanup_code_struct(self, node, name):
        if "cleanup_code_struct" in self.code_sections:
            return self._wrapped("cleanup_code_struct", node, name)
        return super().c_cleanup_code_struct(node, name)

    def c_init_code_struct(self, node, name, sub):
        if "init_code_struct" in self.code_sections:
            return self._wrapped("init_code_struct", node, name, sub=sub)
        return super().c_init_code_struct(node, name, sub)

    def format_c_function_args(self, inp: list[str], out: list[str]) -> str:
        """``"in0, in1, &out0"``, padded with ``NULL`` to the declared counts."""
        inp = list(inp)
        outs = [f"&{o}" for o in out]
        if self._cop_num_inputs is not None:
            inp += ["NULL"] * (self._cop_num_inputs - len(inp))
        if self._cop_num_outputs is not None:
            outs += ["NULL"] * (self._cop_num_outputs - len(outs))
        return ", ".join(inp + outs)

    def c_code(self, node, name, inp, out, sub):
        if self.func_name is not None:
            defs, undefs = self.get_c_macros(node, name, check_input=False)
            params = f", {sub['params']}" if "params" in sub else ""
            args = self.format_c_function_args(inp, out)
            return (
                f"\n{defs}\n{{\n"
                f"  if ({self.func_name}({args}{params}) != 0) {{\n"
                f"    {sub['fail']}\n"
                "  }\n}\n"
                f"{undefs}\n"
            )
        if "code" not in self.code_sections:
            raise NotImplementedError(
                f"{type(self).__name__}: no '#section code' and no func_name"
            )
        return self._wrapped("code", node, name, sub=sub, io=(inp, out))

    def c_code_cleanup(self, node, name, inputs, outputs, sub):
        if "code_cleanup" in self.code_sections:
            return self._wrapped(
                "code_cleanup", node, name, sub=sub, io=(inputs, outputs)
            )
        return super().c_code_cleanup(node, name, inputs, outputs, sub)


class _NoPythonCOp(COp):
    """A :class:`COp` without a Python implementation (C only)."""

    def perform(self, node, inputs, output_storage, params=None):
        raise NotImplementedError(
            f"{self} has no Python implementation (perform); it needs a C compiler"
        )


class _NoPythonExternalCOp(ExternalCOp):
    """An :class:`ExternalCOp` without a Python implementation (C only)."""

    def perform(self, node, inputs, output_storage, params=None):
        raise NotImplementedError(
            f"{self} has no Python implementation (perform); it needs a C compiler"
        )


def _register_translation() -> None:
    # The C VM linker and DebugMode find users' C ops through the table.
    from aesara.link.c.ops.cop import cop_plan
    from aesara.link.c.registry import register_c_translation

    register_c_translation(COp)(cop_plan)


_register_translation()
