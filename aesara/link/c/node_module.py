"""Compile one node of a user's C Op into a CPython extension, and run it as a thunk.

Aesara's own ops hold no C; users' ops (:class:`~aesara.link.c.op.COp`)
do. For such a node, :func:`node_source` assembles a C++ extension module
from the op's hooks (``c_code``, ``c_code_cleanup``, support code, headers,
struct code, ``c_init_code``) and those of its input/output types
(``c_declare``, ``c_init``, ``c_extract``, ``c_sync``, ``c_cleanup``).
:func:`compile_node` builds it with the compiler driver and caches it
(:mod:`aesara.link.c.cache`) under a key made from the op's
``c_code_cache_version_apply``, the types' versions and the source; code
without a version is built in a temporary directory, only for this process.
:func:`make_node_thunk` makes the node's thunk from the module.

The module's layout: a C++ struct per node holds the storage cells, the
op's parameters (extracted once) and its ``c_support_code_struct``;
``run()`` extracts the inputs and outputs from their cells, runs the op's
code, and on success writes the outputs back. Every failure jumps forward to
the cleanup of what was extracted, so errors leak nothing.
"""

from __future__ import annotations

import re
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from aesara.graph.op import Op
from aesara.graph.utils import MethodNotDefined
from aesara.link.c.cache import make_key

__all__ = [
    "NodeModuleSource",
    "compile_node",
    "compile_stats",
    "make_node_thunk",
    "node_name",
    "node_source",
]

# Bumped whenever the generated layout changes: part of every cache key.
_LAYOUT_VERSION = 1

#: Counters of this process's builds: ``compiled`` (the compiler ran),
#: ``cache_hits`` (found in the compile cache), ``memo_hits`` (already loaded).
compile_stats: dict[str, int] = {"compiled": 0, "cache_hits": 0, "memo_hits": 0}
_stats_lock = threading.Lock()


def _count(what: str) -> None:
    with _stats_lock:
        compile_stats[what] += 1


@dataclass
class NodeModuleSource:
    """The generated extension source of one node, and how to build it.

    Attributes
    ----------
    code
        The C++ source; ``MODULE_NAME`` stands for the module's name.
    version
        The cache version (``()`` when some part of the code is unversioned).
    compile_args, no_compile_args, libraries, lib_dirs, header_dirs
        Collected from the op and the types.
    op_name
        For messages.
    has_params
        Whether ``make_thunk`` of the module takes the op's parameters.
    """

    code: str
    version: tuple
    op_name: str
    has_params: bool
    compile_args: list[str] = field(default_factory=list)
    no_compile_args: list[str] = field(default_factory=list)
    libraries: list[str] = field(default_factory=list)
    lib_dirs: list[str] = field(default_factory=list)
    header_dirs: list[str] = field(default_factory=list)

    def key(self) -> str:
        """The compile-cache key of this module (excluding compiler and flags)."""
        return make_key(
            "cop-module",
            _LAYOUT_VERSION,
            self.version,
            self.code,
            self.compile_args,
            self.no_compile_args,
            self.libraries,
            self.lib_dirs,
            self.header_dirs,
        )


def node_name(node) -> str:
    """The ``name`` given to the op's hooks for ``node``.

    It depends only on the op (its class and props) and the node's types,
    never on object identities, so equal nodes in any process generate the
    same source and share one compiled module.
    """
    op = node.op
    props = getattr(op, "__props__", None)
    ident = (
        [repr(getattr(op, p, None)) for p in props] if props is not None else [str(op)]
    )
    key = make_key(
        type(op).__module__,
        type(op).__qualname__,
        ident,
        [str(v.type) for v in node.inputs],
        [str(v.type) for v in node.outputs],
    )
    return f"node_{key[:16]}"


def _call_list(obj: Any, hook: str, **kwargs) -> list:
    fn = getattr(obj, hook, None)
    if fn is None:
        return []
    try:
        try:
            got = fn(**kwargs)
        except TypeError:
            if not kwargs:
                raise
            # A user's hook written without **kwargs.
            got = fn()
    except MethodNotDefined:
        return []
    if got is None:
        return []
    return list(got) if isinstance(got, (list, tuple)) else [got]


def _call_str(fn: Callable, *args) -> str:
    try:
        got = fn(*args)
    except MethodNotDefined:
        return ""
    return got or ""


def _unique(items) -> list:
    seen: dict = {}
    for x in items:
        if x and x not in seen:
            seen[x] = None
    return list(seen)


def _gcc():
    from aesara.link.c.cmodule import GCC_compiler

    return GCC_compiler


def _include(header: str) -> str:
    header = header.strip()
    if header.startswith(("<", '"')):
        return f"#include {header}"
    return f'#include "{header}"'


def _fail(label: str, number: int) -> str:
    return (
        f"{{ __failure = {number}; if (!PyErr_Occurred()) {{ "
        "PyErr_SetString(PyExc_RuntimeError, "
        '"Unexpected error in an Op\'s C code. No Python exception was set."); } '
        f"goto {label}; }}"
    )


def _params_type(node):
    """The node's params type and whether it has params at all."""
    op = node.op
    pt = getattr(op, "params_type", None)
    if pt is None:
        return None
    try:
        node.run_params()
    except MethodNotDefined:
        return None
    except AttributeError:
        # A params_type without get_params (e.g. an EnumType), and an op
        # that does not override get_params: no params, as in Aesara.
        if type(op).get_params is not Op.get_params:
            raise
        return None
    return pt


def node_source(node, check_input: bool = True) -> NodeModuleSource:
    """Generate the extension module of ``node`` (a node of a C op).

    Raises
    ------
    MethodNotDefined, NotImplementedError
        When the op or one of the types has no C implementation.
    """
    op = node.op
    name = node_name(node)
    n_in, n_out = len(node.inputs), len(node.outputs)
    in_names = [f"V{i + 1}" for i in range(n_in)]
    out_names = [f"V{n_in + j + 1}" for j in range(n_out)]
    variables = list(node.inputs) + list(node.outputs)
    var_names = in_names + out_names
    pt = _params_type(node)
    params_name = f"{name}_params"

    objects: list = [op] + _unique_types([v.type for v in variables])
    if pt is not None:
        objects.append(pt)

    # One failure number per extracted variable, then one for the op's code.
    op_fail = _fail("__label_op", n_in + n_out + 1)
    sub_base = {
        "id": str(n_in + n_out + 1),
        "failure_var": "__failure",
        "struct_id": "1",
    }
    op_sub = dict(sub_base, fail=op_fail)
    if pt is not None:
        op_sub["params"] = params_name

    # -- pieces of the op ---------------------------------------------------
    try:
        code = op.c_code(node, name, list(in_names), list(out_names), op_sub)
    except MethodNotDefined as e:
        raise MethodNotDefined(f"{op} has no C code: {e}") from e
    cleanup_code = _call_str(
        op.c_code_cleanup, node, name, list(in_names), list(out_names), op_sub
    )
    support_apply = _call_str(op.c_support_code_apply, node, name)
    support_struct = _call_str(op.c_support_code_struct, node, name)
    cleanup_struct = _call_str(op.c_cleanup_code_struct, node, name)
    init_struct_sub = dict(sub_base, fail=_fail("__label_init", 1))
    if pt is not None:
        init_struct_sub["params"] = params_name
    init_struct = _call_str(op.c_init_code_struct, node, name, init_struct_sub)
    init_apply = _call_str(op.c_init_code_apply, node, name)

    headers = _unique(
        h for obj in objects for h in _call_list(obj, "c_headers", c_compiler=_gcc())
    )
    support = _unique(s for obj in objects for s in _call_list(obj, "c_support_code"))
    init_code = _unique(i for obj in objects for i in _call_list(obj, "c_init_code"))

    # -- versions -------------------------------------------------------------
    op_version = op.c_code_cache_version_apply(node)
    type_versions = [
        t.c_code_cache_version()
        for t in _unique_types(
            [v.type for v in variables] + ([pt] if pt is not None else [])
        )
    ]
    if not op_version or any(v == () for v in type_versions):
        version: tuple = ()
    else:
        version = (tuple(op_version), tuple(map(tuple, type_versions)))

    # -- per-variable code ----------------------------------------------------
    declares, inits, extracts, syncs, cleanups = [], [], [], [], []
    for k, (v, vname) in enumerate(zip(variables, var_names)):
        t = v.type
        vsub = dict(sub_base, fail=_fail(f"__label_{k + 1}", k + 1))
        declares.append(f"PyObject* py_{vname} = NULL;\n" + t.c_declare(vname, vsub))
        inits.append(t.c_init(vname, vsub))
        cell = f"cells[{k}]"
        get = f"py_{vname} = PyList_GET_ITEM({cell}, 0);\nPy_XINCREF(py_{vname});\n"
        if k < n_in:
            body = t.c_extract(vname, vsub, check_input=check_input)
        else:
            body = t.c_extract_out(vname, vsub, check_input=check_input)
        extracts.append(f"{{\n{get}{body}\n}}\n")
        cleanups.append(
            f"__label_{k + 1}: ;\n{{\n{t.c_cleanup(vname, vsub)}\n}}\n"
            f"Py_XDECREF(py_{vname});\n"
        )
        if k >= n_in:
            ssub = dict(sub_base, fail=_fail("__label_sync", k + 1))
            syncs.append(
                f"{{\n{t.c_sync(vname, ssub)}\n"
                f"PyObject* old = PyList_GET_ITEM({cell}, 0);\n"
                f"Py_XINCREF(py_{vname});\n"
                f"PyList_SET_ITEM({cell}, 0, py_{vname});\n"
                "Py_XDECREF(old);\n}\n"
            )

    params_member = ""
    params_extract = ""
    params_cleanup = ""
    if pt is not None:
        psub = dict(sub_base, fail=_fail("__label_init", 1))
        params_member = f"PyObject* py_{params_name};\n" + pt.c_declare(
            params_name, psub
        )
        params_extract = (
            f"py_{params_name} = params;\nPy_INCREF(py_{params_name});\n"
            f"{pt.c_init(params_name, psub)}\n"
            f"{{\n{pt.c_extract(params_name, psub)}\n}}\n"
        )
        params_cleanup = (
            f"{{\n{pt.c_cleanup(params_name, psub)}\n}}\n"
            f"Py_XDECREF(py_{params_name});\npy_{params_name} = NULL;\n"
        )

    op_label = re.sub(r"[^A-Za-z0-9_ .()<>,=-]", "_", str(op))[:120]
    n_cells = n_in + n_out
    source = f"""// Generated by aesara for the op {op_label}
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <numpy/arrayobject.h>
#include <numpy/arrayscalars.h>
#include <math.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
{chr(10).join(_include(h) for h in headers)}

// ---- support code ----
{chr(10).join(support)}

// ---- support code of the node ----
{support_apply}

namespace {{

struct NodeStruct_{name} {{
    PyObject* cells[{n_cells}];
    {params_member if pt is not None else ""}
    // ---- struct support code ----
    {support_struct}

    NodeStruct_{name}() {{
        for (int i = 0; i < {n_cells}; ++i) cells[i] = NULL;
    }}

    // Returns 0, or non-zero with a Python exception set.
    int init(PyObject* in_out_cells, PyObject* params) {{
        int __failure = 0;
        for (int i = 0; i < {n_cells}; ++i) {{
            cells[i] = PyTuple_GET_ITEM(in_out_cells, i);
            Py_INCREF(cells[i]);
        }}
        {params_extract}
        {{
        // ---- struct init code ----
        {init_struct}
        }}
        return 0;
    __label_init:
        return __failure ? __failure : 1;
    }}

    void cleanup() {{
        {{
        // ---- struct cleanup code ----
        {cleanup_struct}
        }}
        {params_cleanup}
        for (int i = 0; i < {n_cells}; ++i) Py_CLEAR(cells[i]);
    }}

    int run() {{
        int __failure = 0;
        {"".join(declares)}
        {"".join(inits)}
        {"".join(extracts)}
        {{
        // ---- code of the op ----
        {code}
        }}
    __label_op: ;
        {{
        // ---- cleanup code of the op ----
        {cleanup_code}
        }}
        if (!__failure) {{
        {"".join(syncs)}
        }}
    __label_sync: ;
        {"".join(reversed(cleanups))}
        return __failure;
    }}
}};

void node_capsule_free(PyObject* capsule) {{
    NodeStruct_{name}* s =
        (NodeStruct_{name}*)PyCapsule_GetPointer(capsule, NULL);
    if (s) {{
        s->cleanup();
        delete s;
    }}
}}

PyObject* node_run(PyObject* self, PyObject* unused) {{
    NodeStruct_{name}* s =
        (NodeStruct_{name}*)PyCapsule_GetPointer(self, NULL);
    if (s == NULL) return NULL;
    if (s->run()) {{
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_RuntimeError,
                            "the C code of {op_label} failed without an exception");
        return NULL;
    }}
    Py_RETURN_NONE;
}}

PyMethodDef node_run_def = {{"run", node_run, METH_NOARGS, NULL}};

PyObject* node_make_thunk(PyObject* self, PyObject* args) {{
    PyObject* in_out_cells;
    PyObject* params = Py_None;
    if (!PyArg_ParseTuple(args, "O!|O", &PyTuple_Type, &in_out_cells, &params))
        return NULL;
    if (PyTuple_GET_SIZE(in_out_cells) != {n_cells}) {{
        PyErr_Format(PyExc_ValueError, "expected {n_cells} storage cells, got %zd",
                     PyTuple_GET_SIZE(in_out_cells));
        return NULL;
    }}
    for (Py_ssize_t i = 0; i < {n_cells}; ++i) {{
        PyObject* cell = PyTuple_GET_ITEM(in_out_cells, i);
        if (!PyList_Check(cell) || PyList_GET_SIZE(cell) < 1) {{
            PyErr_SetString(PyExc_TypeError,
                            "storage cells must be non-empty lists");
            return NULL;
        }}
    }}
    NodeStruct_{name}* s = new NodeStruct_{name}();
    if (s->init(in_out_cells, params)) {{
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_RuntimeError,
                            "initialising the C code of {op_label} failed");
        s->cleanup();
        delete s;
        return NULL;
    }}
    PyObject* capsule = PyCapsule_New(s, NULL, node_capsule_free);
    if (capsule == NULL) {{
        s->cleanup();
        delete s;
        return NULL;
    }}
    PyObject* fn = PyCFunction_New(&node_run_def, capsule);
    Py_DECREF(capsule);
    return fn;
}}

PyMethodDef module_methods[] = {{
    {{"make_thunk", node_make_thunk, METH_VARARGS, NULL}},
    {{NULL, NULL, 0, NULL}}
}};

struct PyModuleDef module_def = {{
    PyModuleDef_HEAD_INIT, "MODULE_NAME", NULL, -1, module_methods
}};

}}  // namespace

PyMODINIT_FUNC PyInit_MODULE_NAME(void) {{
    import_array();
    // ---- init code ----
    {chr(10).join(init_code)}
    {init_apply}
    return PyModule_Create(&module_def);
}}
"""
    compile_args = _unique(
        a
        for obj in objects
        for a in _call_list(obj, "c_compile_args", c_compiler=_gcc())
    )
    no_compile_args = _unique(
        a for obj in objects for a in _call_list(obj, "c_no_compile_args")
    )
    libraries = _unique(
        a for obj in objects for a in _call_list(obj, "c_libraries", c_compiler=_gcc())
    )
    lib_dirs = _unique(
        a for obj in objects for a in _call_list(obj, "c_lib_dirs", c_compiler=_gcc())
    )
    header_dirs = _unique(
        a
        for obj in objects
        for a in _call_list(obj, "c_header_dirs", c_compiler=_gcc())
    )
    return NodeModuleSource(
        code=source,
        version=version,
        op_name=str(op),
        has_params=pt is not None,
        compile_args=compile_args,
        no_compile_args=no_compile_args,
        libraries=libraries,
        lib_dirs=lib_dirs,
        header_dirs=header_dirs,
    )


def _unique_types(types) -> list:
    out: list = []
    for t in types:
        if all(t != u for u in out):
            out.append(t)
    return out


# ---------------------------------------------------------------------------
# Compilation
# ---------------------------------------------------------------------------

_memo: dict[str, ModuleType] = {}
_memo_lock = threading.Lock()
_tmp_root: Path | None = None


def _flags(src: NodeModuleSource) -> list[str]:
    from aesara.link.c.compiler import _include_dirs, default_compile_flags

    drop = set(src.no_compile_args)
    flags = [f for f in default_compile_flags() if f not in drop]
    # The op's code is C++ (Aesara compiles it with g++): the last -x wins.
    flags += ["-x", "c++"]
    flags += [a for a in src.compile_args if a not in drop]
    flags += [f"-I{d}" for d in [*src.header_dirs, *_include_dirs()]]
    flags += [f"-L{d}" for d in src.lib_dirs]
    flags += [f"-Wl,-rpath,{d}" for d in src.lib_dirs]
    return flags


def _explain(error, src: NodeModuleSource):
    """A CompileError naming the op, with the offending source lines."""
    from aesara.link.c.compiler import CompileError

    stderr = getattr(error, "stderr", "") or str(error)
    lines = src.code.replace("MODULE_NAME", "m").splitlines()
    quoted = []
    for m in re.finditer(r"module\.c:(\d+):(?:\d+:)?\s*(?:fatal )?error:(.*)", stderr):
        lineno = int(m.group(1))
        text = lines[lineno - 1].strip() if 0 < lineno <= len(lines) else ""
        quoted.append(f"  line {lineno}: {text}\n    error:{m.group(2)}")
        if len(quoted) >= 5:
            break
    first = "\n".join(stderr.strip().splitlines()[:20])
    detail = "\n".join(quoted) if quoted else first
    message = (
        f"Compiling the C code of the op {src.op_name} failed:\n{detail}\n"
        f"(full source kept at {getattr(error, 'source_path', '?')}; compiler "
        f"output:\n{first})"
    )
    return CompileError(
        message, source_path=getattr(error, "source_path", ""), stderr=stderr
    )


def compile_node(src: NodeModuleSource) -> ModuleType:
    """Compile (or load from the cache) the module of ``src``.

    Versioned code goes through the compile cache (shared by processes);
    unversioned code is compiled in a temporary directory for this process
    only. Either way the loaded module is remembered for the process.

    Raises
    ------
    aesara.link.c.compiler.CompileError
        When the compiler fails: the message names the op and quotes the
        offending lines of the generated source.
    """
    from aesara.link.c import compiler as drv

    cxx = drv._cxx()
    if not cxx:
        raise drv.CompilerNotFoundError("No C compiler: config.cxx is empty")
    flags = _flags(src)
    key = make_key(
        src.key(),
        drv.compiler_fingerprint(cxx),
        flags,
        drv._cpu_features() if "-march=native" in flags else "",
        drv.sys.implementation.cache_tag,
        drv._EXT_SUFFIX,
        drv.np.__version__.split(".")[0],
    )
    with _memo_lock:
        module = _memo.get(key)
    if module is not None:
        _count("memo_hits")
        return module
    module_name = f"aesara_cop_{drv._safe(src.op_name)}_{key[:20]}"
    text = src.code.replace("MODULE_NAME", module_name)
    so_name = "module" + drv._EXT_SUFFIX

    built: list[bool] = []  # whether this call ran the compiler

    def build(directory: Path) -> dict:
        try:
            drv._compile_c(
                cxx,
                text,
                directory / "module.c",
                directory / so_name,
                flags,
                tuple(src.libraries),
                f"the C code of the op {src.op_name}",
            )
        except drv.CompileError as e:
            raise _explain(e, src) from None
        _count("compiled")
        built.append(True)
        return {"kind": "cop", "module": module_name, "op": src.op_name}

    if src.version:
        cache = drv.default_cache()

        def load(entry, again: bool) -> ModuleType:
            name = entry.meta.get("module", module_name)
            if again:
                return drv._load_through_link(name, entry.path / so_name, cache)
            return drv._load(name, entry.path / so_name)

        module = drv._build_and_load(cache, key, build, load, so_name)
        if not built:
            _count("cache_hits")
    else:
        directory = Path(tempfile.mkdtemp(prefix="cop-", dir=_unversioned_root()))
        build(directory)
        module = drv._load(module_name, directory / so_name)
    with _memo_lock:
        _memo.setdefault(key, module)
        return _memo[key]


def _unversioned_root() -> str:
    """A directory for this process's unversioned modules, removed at exit."""
    global _tmp_root
    with _memo_lock:
        if _tmp_root is None:
            import atexit
            import shutil

            _tmp_root = Path(tempfile.mkdtemp(prefix="aesara-unversioned-"))
            atexit.register(shutil.rmtree, str(_tmp_root), True)
        return str(_tmp_root)


# ---------------------------------------------------------------------------
# Thunks
# ---------------------------------------------------------------------------


def node_params(node) -> Any:
    """The node's parameters as its params type filters them (``None`` if none)."""
    pt = _params_type(node)
    if pt is None:
        return None
    params = node.run_params()
    return pt.filter(params) if hasattr(pt, "filter") else params


def make_node_thunk(
    node, module: ModuleType, storage_map, compute_map, no_recycling=()
) -> Callable[[], None]:
    """The thunk running ``node``'s compiled code on its storage cells."""
    cells = tuple(storage_map[v] for v in node.inputs) + tuple(
        storage_map[v] for v in node.outputs
    )
    params = node_params(node)
    run = module.make_thunk(cells, params)
    out_flags = (
        [compute_map[o] for o in node.outputs] if compute_map is not None else []
    )
    no_recycle = [storage_map[o] for o in node.outputs if o in set(no_recycling or ())]

    if out_flags or no_recycle:

        def thunk():
            for cell in no_recycle:
                cell[0] = None
            run()
            for f in out_flags:
                f[0] = True

    else:

        def thunk():
            run()

    thunk.inputs = [storage_map[v] for v in node.inputs]
    thunk.outputs = [storage_map[v] for v in node.outputs]
    thunk.lazy = False
    thunk.cthunk = run
    return thunk
