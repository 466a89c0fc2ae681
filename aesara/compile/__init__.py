"""Compilation of graphs into callable functions: modes, shared variables,
input/output specs and the ``function`` pipeline."""

from aesara.compile.builders import OpFromGraph
from aesara.compile.debugmode import DebugMode
from aesara.compile.function import function, function_dump
from aesara.compile.function.pfunc import pfunc, rebuild_collect_shared
from aesara.compile.function.types import (
    AliasedMemoryError,
    Function,
    FunctionMaker,
    Supervisor,
    UnusedInputError,
    alias_root,
    convert_function_input,
    fgraph_updated_vars,
    get_info_on_inputs,
    infer_reuse_pattern,
    insert_deepcopy,
    orig_function,
    std_fgraph,
    view_tree_set,
)
from aesara.compile.io import In, Out, SymbolicInput, SymbolicOutput
from aesara.compile.mode import (
    FAST_COMPILE,
    FAST_RUN,
    JAX,
    NUMBA,
    OPT_FAST_COMPILE,
    OPT_FAST_RUN,
    OPT_FAST_RUN_STABLE,
    OPT_MERGE,
    OPT_NONE,
    OPT_O2,
    OPT_O3,
    OPT_STABILIZE,
    OPT_UNSAFE,
    AddDestroyHandler,
    AddFeatureOptimizer,
    Mode,
    PrintCurrentFunctionGraph,
    get_default_mode,
    get_mode,
    instantiated_default_mode,
    local_useless,
    optdb,
    predefined_linkers,
    predefined_modes,
    predefined_optimizers,
    register_linker,
    register_mode,
    register_optimizer,
)
from aesara.compile.monitormode import MonitorMode
from aesara.compile.nanguardmode import NanGuardMode
from aesara.compile.ops import (
    DeepCopyOp,
    FromFunctionOp,
    ViewOp,
    as_op,
    deep_copy_op,
    view_op,
)
from aesara.compile.profiling import ProfileStats
from aesara.compile.sharedvalue import SharedVariable, shared, shared_constructor
