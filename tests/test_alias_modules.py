"""Aesara's deprecated module names: each imports, warns, and re-exports the new home.

Each alias is imported afresh (removed from ``sys.modules`` first) so that
its import-time ``DeprecationWarning`` is observed; then every public name
of the new module must be the very same object in the alias.
"""

from __future__ import annotations

import importlib
import sys
import types
import warnings

import pytest

from aesara.utils import public_names

# alias -> (new homes, text the warning must contain)
ALIASES = {
    "aesara.graph.opt": (
        ["aesara.graph.rewriting.basic"],
        "aesara.graph.rewriting.basic",
    ),
    "aesara.graph.opt_utils": (
        ["aesara.graph.rewriting.utils"],
        "aesara.graph.rewriting.utils",
    ),
    "aesara.graph.optdb": (["aesara.graph.rewriting.db"], "aesara.graph.rewriting.db"),
    "aesara.graph.toolbox": (["aesara.graph.features"], "aesara.graph.features"),
    "aesara.graph.unify": (
        ["aesara.graph.rewriting.unify"],
        "aesara.graph.rewriting.unify",
    ),
    "aesara.graph.kanren": (
        ["aesara.graph.rewriting.kanren"],
        "aesara.graph.rewriting.kanren",
    ),
    "aesara.tensor.basic_opt": (
        [
            "aesara.tensor.rewriting.basic",
            "aesara.tensor.rewriting.elemwise",
            "aesara.tensor.rewriting.extra_ops",
            "aesara.tensor.rewriting.shape",
        ],
        "aesara.tensor.rewriting.basic",
    ),
    "aesara.tensor.math_opt": (
        ["aesara.tensor.rewriting.math"],
        "aesara.tensor.rewriting.math",
    ),
    "aesara.tensor.subtensor_opt": (
        ["aesara.tensor.rewriting.subtensor"],
        "aesara.tensor.rewriting.subtensor",
    ),
    "aesara.tensor.opt_uncanonicalize": (
        ["aesara.tensor.rewriting.uncanonicalize"],
        "aesara.tensor.rewriting.uncanonicalize",
    ),
    "aesara.scan.opt": (["aesara.scan.rewriting"], "aesara.scan.rewriting"),
    "aesara.tensor.random.opt": (
        ["aesara.tensor.random.rewriting", "aesara.tensor.random.rewriting.basic"],
        "aesara.tensor.random.rewriting",
    ),
    "aesara.link.jax.jax_dispatch": (
        ["aesara.link.jax.dispatch"],
        "aesara.link.jax.dispatch",
    ),
    "aesara.link.jax.jax_linker": (
        ["aesara.link.jax.linker"],
        "aesara.link.jax.linker",
    ),
    "aesara.scalar.basic_scipy": (["aesara.scalar.math"], "aesara.scalar.math"),
}

NEEDS = {
    "aesara.graph.unify": "unification",
    "aesara.graph.kanren": "kanren",
    "aesara.link.jax.jax_dispatch": "jax",
    "aesara.link.jax.jax_linker": "jax",
}


def _fresh_import(name: str) -> tuple[types.ModuleType, list[warnings.WarningMessage]]:
    sys.modules.pop(name, None)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        module = importlib.import_module(name)
    return module, caught


@pytest.mark.parametrize("alias", sorted(ALIASES))
def test_alias_warns_and_reexports(alias):
    if alias in NEEDS:
        pytest.importorskip(NEEDS[alias], reason=f"{alias} needs {NEEDS[alias]}")
    homes, new_name = ALIASES[alias]
    module, caught = _fresh_import(alias)
    deprecations = [w for w in caught if issubclass(w.category, DeprecationWarning)]
    assert deprecations, f"importing {alias} gave no DeprecationWarning"
    assert any(new_name in str(w.message) for w in deprecations), [
        str(w.message) for w in deprecations
    ]
    checked = 0
    with warnings.catch_warnings():
        # Old names the new home also defines are served with a warning.
        warnings.simplefilter("ignore", DeprecationWarning)
        for home in homes:
            for name, obj in public_names(importlib.import_module(home)).items():
                assert getattr(module, name) is obj, (
                    f"{alias}.{name} is not {home}.{name}"
                )
                checked += 1
    assert checked > 0


def test_star_import_gives_the_rewrites():
    namespace: dict = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        exec("from aesara.tensor.math_opt import *", namespace)
    from aesara.tensor.rewriting import math as new

    some = [n for n in vars(new) if n.startswith("local_")][:5]
    assert some
    for name in some:
        assert namespace[name] is getattr(new, name)


OLD_REWRITER_NAMES = [
    ("LocalOptimizer", "NodeRewriter"),
    ("GlobalOptimizer", "GraphRewriter"),
    ("local_optimizer", "node_rewriter"),
    ("optimizer", "graph_rewriter"),
    ("OpSub", "SubstitutionNodeRewriter"),
    ("OpRemove", "RemovalNodeRewriter"),
    ("PatternSub", "PatternNodeRewriter"),
    ("TopoOptimizer", "WalkingGraphRewriter"),
    ("EquilibriumOptimizer", "EquilibriumGraphRewriter"),
    ("SeqOptimizer", "SequentialGraphRewriter"),
    ("LocalOptGroup", "SequentialNodeRewriter"),
    ("OpKeyOptimizer", "OpKeyGraphRewriter"),
]


@pytest.mark.parametrize("old, new", OLD_REWRITER_NAMES)
def test_old_rewriter_names_warn_and_are_the_new_objects(old, new):
    import aesara.graph.rewriting.basic as basic

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import aesara.graph.opt as opt
    with pytest.warns(DeprecationWarning, match=f"`{old}` is deprecated: use `{new}`"):
        obj = getattr(opt, old)
    assert obj is getattr(basic, new)


def test_old_database_and_utils_names():
    from aesara.graph.rewriting.db import RewriteDatabase, RewriteDatabaseQuery
    from aesara.graph.rewriting.utils import rewrite_graph

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import aesara.graph.opt_utils as opt_utils
        import aesara.graph.optdb as optdb
    with pytest.warns(DeprecationWarning, match="RewriteDatabaseQuery"):
        assert optdb.Query is RewriteDatabaseQuery
    with pytest.warns(DeprecationWarning, match="RewriteDatabase"):
        assert optdb.OptimizationDatabase is RewriteDatabase
    with pytest.warns(DeprecationWarning, match="rewrite_graph"):
        assert opt_utils.optimize_graph is rewrite_graph


def test_unknown_name_is_an_attribute_error():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import aesara.graph.opt as opt
    with pytest.raises(AttributeError, match="no_such_rewriter"):
        opt.no_such_rewriter  # noqa: B018


def test_kanren_relation_sub_is_the_real_class():
    pytest.importorskip("kanren", reason="KanrenRelationSub needs kanren")
    from aesara.graph.rewriting.basic import NodeRewriter
    from aesara.graph.rewriting.kanren import KanrenRelationSub

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from aesara.graph.kanren import KanrenRelationSub as old

    assert old is KanrenRelationSub
    assert issubclass(old, NodeRewriter)


def test_assert_op_alias():
    import aesara.raise_op as raise_op

    module, caught = _fresh_import("aesara.assert_op")
    assert any(
        issubclass(w.category, DeprecationWarning)
        and "aesara.raise_op" in str(w.message)
        for w in caught
    )
    assert module.Assert is raise_op.Assert
    assert module.assert_op is raise_op.assert_op


def test_alias_runs_user_code_written_for_aesara():
    # An Aesara-era rewrite written with the old names still works.
    import numpy as np

    import aesara
    import aesara.tensor as at

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from aesara.graph.opt import local_optimizer
        from aesara.graph.opt_utils import optimize_graph

    from aesara.graph.rewriting.basic import NodeRewriter

    @local_optimizer(None)
    def never(fgraph, node):
        return False

    assert isinstance(never, NodeRewriter)
    x = at.vector("x")
    out = optimize_graph(at.log(at.exp(x)), include=("canonicalize", "stabilize"))
    f = aesara.function([x], out)
    np.testing.assert_allclose(f(np.array([0.5, 2.0])), [0.5, 2.0])
