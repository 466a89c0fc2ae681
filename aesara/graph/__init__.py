"""Graph IR: variables, nodes, ops, types, function graphs and rewriting."""

from aesara.graph.basic import (
    Apply,
    Constant,
    Variable,
    ancestors,
    applys_between,
    clone,
    clone_replace,
    graph_inputs,
    io_toposort,
    vars_between,
)
from aesara.graph.fg import FunctionGraph
from aesara.graph.op import Op
from aesara.graph.rewriting.basic import graph_rewriter, node_rewriter
from aesara.graph.rewriting.db import RewriteDatabaseQuery
from aesara.graph.rewriting.utils import rewrite_graph
from aesara.graph.type import Type
