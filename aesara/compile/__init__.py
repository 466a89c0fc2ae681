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
    convert_function_input,
    fgraph_updated_vars,
    infer_reuse_pattern,
    insert_deepcopy,
    orig_function,
    std_fgraph,
)
from aesara.compile.io import In, Out, SymbolicInput, SymbolicOutput
from aesara.compile.mode import (
    FAST_COMPILE,
    FAST_RUN,
    JAX,
    NUMBA,
    Mode,
    get_default_mode,
    get_mode,
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
