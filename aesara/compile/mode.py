"""Compilation modes: which graph rewrites run and which linker runs the graph.

A :class:`Mode` pairs a linker (``"py"``, ``"vm"``, ``"cvm"``... or a
:class:`~aesara.link.basic.Linker`) with an optimizer (a rewrite-database
query such as ``"fast_run"``, or an object with ``rewrite(fgraph)``).

The rewrite database :data:`optdb` is a :class:`SequenceDB` of stages
(merging, ``canonicalize``, ``stabilize``, ``specialize``, in-place...);
a mode's optimizer is a query selecting rewrites from it by tag.
"""

from __future__ import annotations

import logging
from typing import Any

from aesara.graph.destroyhandler import DestroyHandler
from aesara.graph.rewriting.basic import GraphRewriter, MergeOptimizer
from aesara.graph.rewriting.db import (
    EquilibriumDB,
    LocalGroupDB,
    RewriteDatabaseQuery,
    SequenceDB,
    TopoDB,
)
from aesara.link.basic import Linker, PerformLinker
from aesara.link.c.linker import CVMLinker
from aesara.link.vm import VMLinker

_logger = logging.getLogger("aesara.compile.mode")

__all__ = [
    "FAST_COMPILE",
    "FAST_RUN",
    "JAX",
    "NUMBA",
    "Mode",
    "OPT_FAST_COMPILE",
    "OPT_FAST_RUN",
    "OPT_NONE",
    "AddDestroyHandler",
    "exclude",
    "get_default_mode",
    "get_mode",
    "get_target_language",
    "instantiated_default_mode",
    "optdb",
    "predefined_linkers",
    "predefined_modes",
    "predefined_optimizers",
    "register_linker",
    "register_mode",
    "register_optimizer",
]


# ---------------------------------------------------------------------------
# The rewrite database
# ---------------------------------------------------------------------------

_Query = RewriteDatabaseQuery


class AddDestroyHandler(GraphRewriter):
    """Attach a :class:`DestroyHandler` (before the in-place rewrites run)."""

    def apply(self, fgraph):
        return None

    def add_requirements(self, fgraph):
        super().add_requirements(fgraph)
        fgraph.attach_feature(DestroyHandler())


class AddFeatureOptimizer(GraphRewriter):
    """Attach a feature to the graph."""

    def __init__(self, feature):
        self.feature = feature

    def add_requirements(self, fgraph):
        super().add_requirements(fgraph)
        fgraph.attach_feature(self.feature)

    def apply(self, fgraph):
        return None


class PrintCurrentFunctionGraph(GraphRewriter):
    """Print the graph (a debugging aid selected by the ``print_fgraph`` tag)."""

    def __init__(self, header: str):
        self.header = header

    def apply(self, fgraph):
        from aesara.printing import debugprint

        print(f"{self.header}:")
        debugprint(fgraph.outputs)


optdb = SequenceDB()
"""The rewrite database queried by the modes, in stages ordered by position."""

optdb.register(
    "merge1", MergeOptimizer(), "fast_run", "fast_compile", "merge", position=0
)
# Rewrites that only remove nodes (``register_useless``).
local_useless = LocalGroupDB(apply_all_rewrites=True, profile=True)
optdb.register(
    "useless", TopoDB(local_useless), "fast_run", "fast_compile", position=0.6
)
optdb.register(
    "merge1.1", MergeOptimizer(), "fast_run", "fast_compile", "merge", position=0.65
)
optdb.register(
    "canonicalize",
    EquilibriumDB(ignore_newtrees=False),
    "fast_run",
    "fast_compile",
    "canonicalize_db",
    position=1,
)
# Merging after each change keeps the canonical forms deduplicated.
optdb["canonicalize"].register(
    "merge", MergeOptimizer(), "fast_run", "fast_compile", cleanup=True
)
optdb.register(
    "merge1.2", MergeOptimizer(), "fast_run", "fast_compile", "merge", position=1.2
)
optdb.register(
    "Print1.21",
    PrintCurrentFunctionGraph("Post-canonicalize"),
    "print_fgraph",
    position=1.21,
)
optdb.register("stabilize", EquilibriumDB(), "fast_run", position=1.5)
optdb.register(
    "Print1.51",
    PrintCurrentFunctionGraph("Post-stabilize"),
    "print_fgraph",
    position=1.51,
)
optdb.register(
    "specialize", EquilibriumDB(), "fast_run", "fast_compile_gpu", position=2
)
optdb.register(
    "Print2.01",
    PrintCurrentFunctionGraph("Post-specialize"),
    "print_fgraph",
    position=2.01,
)
optdb.register("uncanonicalize", EquilibriumDB(), "fast_run", position=3)
optdb.register(
    "specialize_device",
    EquilibriumDB(),
    "fast_compile",
    "fast_run",
    position=48.6,
)
optdb.register("merge2", MergeOptimizer(), "fast_run", "merge", position=49)
optdb.register(
    "add_destroy_handler", AddDestroyHandler(), "fast_run", "inplace", position=49.5
)
# In-place rewrites (registered by the tensor rewrites) run in this stage.
optdb.register("inplace_db", SequenceDB(), "fast_run", "inplace", position=75)
optdb.register("merge3", MergeOptimizer(), "fast_run", "merge", position=100)
optdb.register(
    "Print100.01",
    PrintCurrentFunctionGraph("Final"),
    "print_fgraph",
    position=100.01,
)


def _default_excludes() -> list[str]:
    from aesara.configdefaults import config

    # Rewrites tagged ``cxx_only`` introduce ops that need a C++ compiler.
    return [] if config.cxx else ["cxx_only"]


exclude: list[str] = _default_excludes()
"""Tags every predefined optimizer excludes (``["cxx_only"]`` without a compiler)."""

OPT_NONE = RewriteDatabaseQuery(include=[], exclude=exclude)
OPT_MERGE = RewriteDatabaseQuery(include=["merge"], exclude=exclude)
OPT_FAST_RUN = RewriteDatabaseQuery(include=["fast_run"], exclude=exclude)
OPT_FAST_RUN_STABLE = OPT_FAST_RUN.requiring("stable")
OPT_FAST_COMPILE = RewriteDatabaseQuery(include=["fast_compile"], exclude=exclude)
OPT_STABILIZE = RewriteDatabaseQuery(include=["fast_run"], exclude=exclude)
OPT_STABILIZE.position_cutoff = 1.5000001
OPT_O2 = OPT_FAST_COMPILE.including("fusion")
OPT_O3 = OPT_FAST_RUN.excluding("inplace")
OPT_UNSAFE = OPT_O3.including("unsafe")

for _name, _q in [
    ("OPT_NONE", OPT_NONE),
    ("OPT_MERGE", OPT_MERGE),
    ("OPT_FAST_RUN", OPT_FAST_RUN),
    ("OPT_FAST_RUN_STABLE", OPT_FAST_RUN_STABLE),
    ("OPT_FAST_COMPILE", OPT_FAST_COMPILE),
    ("OPT_STABILIZE", OPT_STABILIZE),
    ("OPT_O2", OPT_O2),
    ("OPT_O3", OPT_O3),
    ("OPT_UNSAFE", OPT_UNSAFE),
]:
    _q.name = _name

predefined_optimizers: dict[str | None, Any] = {
    None: OPT_NONE,
    "None": OPT_NONE,
    "merge": OPT_MERGE,
    "o4": OPT_FAST_RUN,
    "o3": OPT_O3,
    "o2": OPT_O2,
    "o1": OPT_FAST_COMPILE,
    "unsafe": OPT_UNSAFE,
    "fast_compile": OPT_FAST_COMPILE,
    "fast_run": OPT_FAST_RUN,
    "fast_run_stable": OPT_FAST_RUN_STABLE,
    "stabilize": OPT_STABILIZE,
}


def register_optimizer(name: str, opt: Any) -> None:
    """Make ``opt`` (a query or a rewriter) available as optimizer ``name``."""
    if name in predefined_optimizers:
        raise ValueError(f"Optimizer name already taken: {name}")
    predefined_optimizers[name] = opt


# ---------------------------------------------------------------------------
# Linkers
# ---------------------------------------------------------------------------

predefined_linkers: dict[str, Linker] = {
    "py": PerformLinker(),
    # The C names compile element-wise nodes and loop in C (falling back to
    # the Python VM, with a warning, when there is no compiler).
    "c": CVMLinker(),
    "c|py": CVMLinker(),
    "c|py_nogc": CVMLinker(allow_gc=False),
    "vm": VMLinker(use_cloop=False, c_thunks=False),
    "cvm": CVMLinker(),
    "vm_nogc": VMLinker(allow_gc=False, use_cloop=False, c_thunks=False),
    "cvm_nogc": CVMLinker(allow_gc=False),
}

# Backends registered lazily: (package needed, module, linker class).
_lazy_linkers: dict[str, tuple[str, str, str]] = {
    "jax": ("jax", "aesara.link.jax.linker", "JAXLinker"),
    "numba": ("numba", "aesara.link.numba.linker", "NumbaLinker"),
}


def register_linker(name: str, linker: Linker) -> None:
    """Make ``linker`` available under ``name``."""
    if name in predefined_linkers or name in _lazy_linkers:
        raise ValueError(f"Linker name already taken: {name}")
    predefined_linkers[name] = linker


def _backend_linker(name: str) -> Linker:
    """Instantiate a lazily registered backend linker, or explain why not."""
    import importlib

    package, module, cls = _lazy_linkers[name]
    try:
        importlib.import_module(package)
    except ImportError as e:
        raise ImportError(
            f"The {name!r} linker requires the {package!r} package, which is not "
            f"installed (pip install {package})."
        ) from e
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as e:
        if e.name is not None and module.startswith(e.name):
            raise NotImplementedError(
                f"The {name!r} backend ({module}) is not implemented yet."
            ) from e
        raise
    linker = getattr(mod, cls)()
    predefined_linkers[name] = linker
    return linker


def get_linker(name: str | None) -> Linker:
    """Return the linker registered under ``name`` (``None``: ``config.linker``)."""
    if name is None:
        from aesara.configdefaults import config

        name = config.linker
    if name in predefined_linkers:
        return predefined_linkers[name]
    if name in _lazy_linkers:
        return _backend_linker(name)
    known = sorted(predefined_linkers) + sorted(_lazy_linkers)
    raise ValueError(f"Unknown linker {name!r}; known linkers: {', '.join(known)}")


def get_optimizer(name: str | None) -> Any:
    """Return the optimizer (query) registered under ``name``."""
    if name in predefined_optimizers:
        return predefined_optimizers[name]
    known = sorted(k for k in predefined_optimizers if k is not None)
    raise ValueError(
        f"Unknown optimizer {name!r}; known optimizers: {', '.join(known)}"
    )


# ---------------------------------------------------------------------------
# Mode
# ---------------------------------------------------------------------------


class Mode:
    """A compilation mode: a linker and an optimizer.

    Parameters
    ----------
    linker
        A :class:`~aesara.link.basic.Linker` or the name of a predefined one
        (``None``: the ``linker`` config flag).
    optimizer
        A rewrite query, a rewriter (an object with ``rewrite(fgraph)``) or
        the name of a predefined optimizer (``"default"``: the ``optimizer``
        config flag).
    db
        The rewrite database queried (default :data:`optdb`).
    """

    def __init__(
        self,
        linker: str | Linker | None = None,
        optimizer: Any = "default",
        db: Any = None,
    ):
        if linker is None:
            from aesara.configdefaults import config

            linker = config.linker
        if isinstance(optimizer, str) and optimizer == "default":
            from aesara.configdefaults import config

            optimizer = config.optimizer
        self._db = db
        self.__setstate__((linker, optimizer))

    @property
    def optdb(self):
        return optdb if self._db is None else self._db

    def __getstate__(self):
        return (self.provided_linker, self.provided_optimizer)

    def __setstate__(self, state):
        linker, optimizer = state
        if not hasattr(self, "_db"):
            self._db = None
        self.provided_linker = linker
        self.provided_optimizer = optimizer
        if isinstance(linker, str) or linker is None:
            linker = get_linker(linker)
        if not isinstance(linker, Linker):
            raise TypeError(
                f"linker must be a Linker or the name of one, got {type(linker).__name__}"
            )
        self.linker = linker
        if isinstance(optimizer, str) or optimizer is None:
            optimizer = get_optimizer(optimizer)
        if isinstance(optimizer, (_Query, RewriteDatabaseQuery)):
            self.provided_optimizer = optimizer
        self._optimizer = optimizer
        self.call_time = 0.0
        self.fn_time = 0.0

    def __str__(self):
        return (
            f"{type(self).__name__}(linker={self.provided_linker}, "
            f"optimizer={self.provided_optimizer}, optdb={self.optdb})"
        )

    __repr__ = __str__

    @property
    def optimizer(self) -> Any:
        """The rewriter to run: an object with ``rewrite(fgraph)``."""
        opt = self._optimizer
        if isinstance(opt, (_Query, RewriteDatabaseQuery)):
            return self.optdb.query(opt)
        if not hasattr(opt, "rewrite"):
            raise TypeError(
                f"The optimizer of {self} must have a rewrite(fgraph) method, got "
                f"{type(opt).__name__}"
            )
        return opt

    def _query(self):
        opt = self.provided_optimizer
        if isinstance(opt, str) or opt is None:
            opt = get_optimizer(opt)
        if not isinstance(opt, (_Query, RewriteDatabaseQuery)):
            raise TypeError(
                f"Cannot select rewrites by tag on {self}: its optimizer {opt} is not "
                "a rewrite-database query"
            )
        return opt

    def including(self, *tags: str) -> Mode:
        """A copy of the mode whose optimizer also includes the rewrites tagged ``tags``."""
        return self.clone(optimizer=self._query().including(*tags))

    def excluding(self, *tags: str) -> Mode:
        """A copy of the mode whose optimizer excludes the rewrites tagged ``tags``."""
        return self.clone(optimizer=self._query().excluding(*tags))

    def requiring(self, *tags: str) -> Mode:
        """A copy of the mode whose optimizer keeps only rewrites tagged ``tags``."""
        return self.clone(optimizer=self._query().requiring(*tags))

    def register(self, *rewrites) -> Mode:
        """A copy of the mode with extra ``(rewriter, position)`` pairs."""
        return self.clone(optimizer=self._query().register(*rewrites))

    def clone(
        self, link_kwargs: dict | None = None, optimizer: Any = "", **kwargs
    ) -> Mode:
        """Return a copy of the mode.

        Parameters
        ----------
        link_kwargs
            Passed to the linker's ``clone`` (e.g. ``{"allow_gc": False}``).
        optimizer
            A new optimizer (``""`` keeps the current one).
        """
        if link_kwargs is None:
            link_kwargs = {}
        linker = kwargs.pop("linker", None)
        if linker is None:
            linker = self.linker.clone(**link_kwargs)
        elif isinstance(linker, str):
            linker = get_linker(linker).clone(**link_kwargs)
        if isinstance(optimizer, str) and optimizer == "":
            optimizer = self.provided_optimizer
        new = type(self).__new__(type(self))
        new._db = self._db
        new.__setstate__((linker, optimizer))
        return new

    def __eq__(self, other):
        return (
            type(self) is type(other)
            and self.provided_linker == other.provided_linker
            and self.provided_optimizer == other.provided_optimizer
        ) or self is other

    def __hash__(self):
        return hash(
            (type(self), str(self.provided_linker), str(self.provided_optimizer))
        )


FAST_COMPILE = Mode("vm", "fast_compile")
FAST_RUN = Mode("cvm", "fast_run")

predefined_modes: dict[str, Any] = {
    "FAST_COMPILE": FAST_COMPILE,
    "FAST_RUN": FAST_RUN,
}

# Modes of backends that are created on first use.
_lazy_modes: dict[str, tuple[str, tuple[str, ...]]] = {
    "JAX": ("jax", ("fast_run", "jax")),
    "NUMBA": ("numba", ("fast_run", "numba")),
}
# Rewrites a lazily created mode leaves out: the JAX mode skips in-place
# rewrites (JAX arrays are immutable), the BLAS-specific ones and fusion
# (XLA fuses the element-wise work itself).
_lazy_mode_excludes: dict[str, tuple[str, ...]] = {
    "JAX": ("inplace", "BlasOpt", "blas", "fusion", "cxx_only"),
    # Numba compiles Dot itself (BLAS through NumPy): no C-oriented BLAS stage.
    "NUMBA": ("cxx_only", "BlasOpt"),
}
JAX = "JAX"
NUMBA = "NUMBA"

_default_mode_cache: dict = {}

#: The mode the last ``get_mode(None)`` (``get_default_mode()``) returned,
#: ``None`` before the first call; :func:`get_mode` updates it.
instantiated_default_mode: Mode | None = None


def register_mode(name: str, mode: Mode) -> None:
    """Make ``mode`` available as ``get_mode(name)``."""
    if name in predefined_modes or name in _lazy_modes:
        raise ValueError(f"Mode name already taken: {name}")
    predefined_modes[name] = mode


def get_mode(orig_string: str | Mode | None) -> Mode:
    """Return the mode named ``orig_string`` (``None``: the ``mode`` config flag).

    A :class:`Mode` instance is returned as is. ``"Mode"`` builds one from
    the ``linker`` and ``optimizer`` config flags, plus the
    ``optimizer_including``/``excluding``/``requiring`` tags.
    """
    mode = _get_mode(orig_string)
    if orig_string is None:
        global instantiated_default_mode
        instantiated_default_mode = mode
    return mode


def _get_mode(orig_string: str | Mode | None) -> Mode:
    from aesara.configdefaults import config

    string = config.mode if orig_string is None else orig_string
    if not isinstance(string, str):
        if isinstance(string, Mode):
            return string
        raise TypeError(
            f"mode must be a Mode or the name of one, got {type(string).__name__}"
        )
    upper = string.upper()
    if upper in predefined_modes:
        mode = predefined_modes[upper]
    elif string in predefined_modes:
        mode = predefined_modes[string]
    elif upper in _lazy_modes:
        linker_name, tags = _lazy_modes[upper]
        mode = Mode(
            get_linker(linker_name),
            RewriteDatabaseQuery(
                include=list(tags), exclude=list(_lazy_mode_excludes.get(upper, ()))
            ),
        )
        predefined_modes[upper] = mode
    elif string == "Mode":
        key = (
            config.linker,
            config.optimizer,
            config.optimizer_including,
            config.optimizer_excluding,
            config.optimizer_requiring,
        )
        mode = _default_mode_cache.get(key)
        if mode is None:
            mode = Mode(linker=config.linker, optimizer=config.optimizer)
            if config.optimizer_including:
                mode = mode.including(*config.optimizer_including.split(":"))
            if config.optimizer_excluding:
                mode = mode.excluding(*config.optimizer_excluding.split(":"))
            if config.optimizer_requiring:
                mode = mode.requiring(*config.optimizer_requiring.split(":"))
            _default_mode_cache[key] = mode
        return mode
    elif upper in ("DEBUGMODE", "DEBUG_MODE"):
        # Imported here: the checking modes build on this module.
        from aesara.compile.debugmode import DebugMode

        if upper == "DEBUG_MODE":
            mode = predefined_modes["DEBUG_MODE"]
        else:
            mode = DebugMode(optimizer=config.optimizer)
    elif upper == "NANGUARDMODE":
        from aesara.compile.nanguardmode import NanGuardMode

        mode = NanGuardMode(True, True, True, optimizer=config.optimizer)
    else:
        known = sorted(predefined_modes) + sorted(_lazy_modes)
        known += ["Mode", "DebugMode", "NanGuardMode"]
        raise ValueError(f"Unknown mode {string!r}; known modes: {', '.join(known)}")
    if orig_string is None and (
        config.optimizer_including
        or config.optimizer_excluding
        or config.optimizer_requiring
    ):
        if config.optimizer_including:
            mode = mode.including(*config.optimizer_including.split(":"))
        if config.optimizer_excluding:
            mode = mode.excluding(*config.optimizer_excluding.split(":"))
        if config.optimizer_requiring:
            mode = mode.requiring(*config.optimizer_requiring.split(":"))
    return mode


def get_default_mode() -> Mode:
    """Return the mode selected by the ``mode`` config flag."""
    return get_mode(None)


def get_target_language(mode: Mode | str | None = None) -> tuple[str, ...]:
    """The languages the linker of ``mode`` runs nodes in, preferred first.

    Parameters
    ----------
    mode
        A :class:`Mode` or the name of one (``None``: the default mode).

    Returns
    -------
    tuple of str
        ``("jax",)``, ``("numba",)``, ``("py",)`` for the Python-only linkers
        (``"py"``, and ``"vm"``, whose thunks here are all Python), or
        ``("c", "py")`` for the C linkers (``"cvm"``, ``"c"``...) when a C++
        compiler is configured (``("py",)`` otherwise).
    """
    import sys

    from aesara.configdefaults import config

    mode = get_mode(mode)
    linker = getattr(mode, "linker", None)
    # The backend linkers' modules are only loaded when such a linker exists.
    for lang, module, cls in (
        ("numba", "aesara.link.numba.linker", "NumbaLinker"),
        ("jax", "aesara.link.jax.linker", "JAXLinker"),
    ):
        mod = sys.modules.get(module)
        if mod is not None and isinstance(linker, getattr(mod, cls)):
            return (lang,)
    if isinstance(linker, CVMLinker):
        if linker.c_thunks is False or not config.cxx:
            return ("py",)
        return ("c", "py")
    if isinstance(linker, (VMLinker, PerformLinker)):
        return ("py",)
    raise NotImplementedError(
        f"get_target_language: unsupported linker {type(linker).__name__} of {mode}"
    )
