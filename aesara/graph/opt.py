"""Deprecated alias of :mod:`aesara.graph.rewriting.basic` (Aesara's old module name).

Importing it warns with ``DeprecationWarning``; its names are the objects of
:mod:`aesara.graph.rewriting.basic`. The old class and function names
(``LocalOptimizer``, ``GlobalOptimizer``, ``local_optimizer``, ``OpSub``,
``PatternSub``, ``TopoOptimizer``, ``EquilibriumOptimizer``...) are served by
the module's ``__getattr__``, each with its own ``DeprecationWarning`` naming
the new name.
"""

import warnings

warnings.warn(
    "The module `aesara.graph.opt` is deprecated; use `aesara.graph.rewriting.basic` instead.",
    DeprecationWarning,
    stacklevel=2,
)

import aesara.graph.rewriting.basic as _new  # noqa: E402
from aesara.utils import deprecated_names_getattr, public_names  # noqa: E402

# Every public name of the new home (not only its ``__all__``): code written
# for Aesara imports helpers that module never listed.
globals().update(public_names(_new))

# (old name, new name); a pair whose new name this implementation lacks is
# left out (its old name then raises AttributeError like any unknown name).
_RENAMES = [
    ("LocalMetaOptimizerSkipAssertionError", "MetaNodeRewriterSkip"),
    ("GlobalOptimizer", "GraphRewriter"),
    ("LocalOptimizer", "NodeRewriter"),
    ("local_optimizer", "node_rewriter"),
    ("pre_greedy_local_optimizer", "pre_greedy_node_rewriter"),
    ("FromFunctionOptimizer", "FromFunctionGraphRewriter"),
    ("optimizer", "graph_rewriter"),
    ("inplace_optimizer", "graph_rewriter"),
    ("LocalMetaOptimizer", "MetaNodeRewriter"),
    ("SeqOptimizer", "SequentialGraphRewriter"),
    ("FromFunctionLocalOptimizer", "FromFunctionNodeRewriter"),
    ("LocalOptTracker", "OpToRewriterTracker"),
    ("LocalOptGroup", "SequentialNodeRewriter"),
    ("OpSub", "SubstitutionNodeRewriter"),
    ("OpRemove", "RemovalNodeRewriter"),
    ("PatternSub", "PatternNodeRewriter"),
    ("NavigatorOptimizer", "NodeProcessingGraphRewriter"),
    ("TopoOptimizer", "WalkingGraphRewriter"),
    ("topogroup_optimizer", "walking_rewriter"),
    ("OpKeyOptimizer", "OpKeyGraphRewriter"),
    ("EquilibriumOptimizer", "EquilibriumGraphRewriter"),
]

DEPRECATED_NAMES = [
    (old, f"`{old}` is deprecated: use `{new}` instead.", getattr(_new, new))
    for old, new in _RENAMES
    if hasattr(_new, new)
]
# The new home may define the old names too (plainly); here they go through
# ``__getattr__`` so that using them warns, as in Aesara.
for _old, _msg, _obj in DEPRECATED_NAMES:
    globals().pop(_old, None)
__getattr__ = deprecated_names_getattr(__name__, DEPRECATED_NAMES)
