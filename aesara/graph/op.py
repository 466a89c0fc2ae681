"""Operations: the mathematical building blocks applied to variables."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from aesara.graph.basic import Apply, NoParams, Variable
from aesara.graph.utils import MetaObject, MethodNotDefined

if TYPE_CHECKING:
    from aesara.graph.type import Type

StorageMapType = dict
ComputeMapType = dict
OutputStorageType = list
ParamsInputType = Any
# ``perform(node, inputs, output_storage, params)``.
PerformMethodType = Callable[[Apply, list, list, Any], None]
# A thunk: a no-argument callable reading and writing storage cells.
BasicThunkType = Callable[[], None]
# Lazy thunks may be called with the compute map's answers.
ThunkCallableType = Callable[..., Any]
ThunkType = ThunkCallableType | BasicThunkType


class Op(MetaObject):
    """An operation on variables.

    Subclasses implement :meth:`make_node` (type checking and output types),
    :meth:`perform` (the NumPy reference implementation), and optionally
    ``infer_shape``, :meth:`L_op`/:meth:`grad` and :meth:`R_op`. Setting
    ``__props__`` gives value semantics: two ops with equal props are
    interchangeable. Backend code never lives here; backends translate ops
    through their own registries.
    """

    default_output: int | None = None
    """Index of the output returned by ``__call__`` when there are several."""

    view_map: dict[int, list[int]] = {}
    """``{output_index: [input_index]}`` for outputs that are views of inputs."""

    destroy_map: dict[int, list[int]] = {}
    """``{output_index: [input_index]}`` for inputs overwritten by the op."""

    itypes: Sequence[Type] | None = None
    otypes: Sequence[Type] | None = None
    params_type = None

    def make_node(self, *inputs: Variable) -> Apply:
        """Build the :class:`Apply` node of this op on ``inputs``.

        The default uses ``itypes``/``otypes`` when the subclass sets them.
        """
        if self.itypes is None or self.otypes is None:
            raise NotImplementedError(
                f"{type(self).__name__} must define make_node or itypes/otypes"
            )
        if len(inputs) != len(self.itypes):
            raise ValueError(
                f"{self} expects {len(self.itypes)} inputs, got {len(inputs)}"
            )
        checked = []
        for i, (inp, it) in enumerate(zip(inputs, self.itypes)):
            if not isinstance(inp, Variable) or inp.type != it:
                try:
                    inp = it.filter_variable(inp)
                except TypeError as e:
                    raise TypeError(
                        f"Input {i} of {self}: expected type {it}, got "
                        f"{getattr(inp, 'type', type(inp).__name__)}"
                    ) from e
            checked.append(inp)
        return Apply(self, checked, [t() for t in self.otypes])

    def __call__(self, *inputs: Any, **kwargs) -> Variable | list[Variable]:
        """Apply the op: build a node and return its default output(s).

        Parameters
        ----------
        inputs
            Passed to :meth:`make_node`, with any other keyword arguments.
        return_list
            Always return a list of outputs.
        name
            Name given to the returned output (outputs ``name_0``,
            ``name_1``... when several are returned).

        Returns
        -------
        The ``default_output`` if the op sets one, else the single output,
        else the list of outputs.
        """
        return_list = kwargs.pop("return_list", False)
        name = kwargs.pop("name", None)
        node = self.make_node(*inputs, **kwargs)
        if name is not None:
            if len(node.outputs) == 1:
                node.outputs[0].name = name
            elif self.default_output is not None:
                node.outputs[self.default_output].name = name
            else:
                for i, o in enumerate(node.outputs):
                    o.name = f"{name}_{i}"
        from aesara.configdefaults import config

        if config.compute_test_value != "off":
            compute_test_value(node)
        if self.default_output is not None:
            rval = node.outputs[self.default_output]
            return [rval] if return_list else rval
        if len(node.outputs) == 1 and not return_list:
            return node.outputs[0]
        return list(node.outputs)

    def __ne__(self, other):
        return not (self == other)

    def perform(
        self,
        node: Apply,
        inputs: Sequence[Any],
        output_storage: list[list[Any]],
        params=None,
    ) -> None:
        """Compute the outputs from concrete ``inputs``.

        Results are stored as ``output_storage[i][0] = value``. A value already
        present in a cell may be reused as a buffer, or ignored.
        """
        raise NotImplementedError(f"{type(self).__name__} has no perform method")

    def L_op(
        self,
        inputs: Sequence[Variable],
        outputs: Sequence[Variable],
        output_grads: Sequence[Variable],
    ) -> list[Variable]:
        """Return the gradient of a cost w.r.t. each input (reverse mode)."""
        return self.grad(inputs, output_grads)

    def grad(
        self, inputs: Sequence[Variable], output_grads: Sequence[Variable]
    ) -> list[Variable]:
        """Like :meth:`L_op` without access to the outputs."""
        raise NotImplementedError(f"{type(self).__name__} does not implement grad")

    def R_op(
        self, inputs: Sequence[Variable], eval_points: Sequence[Variable]
    ) -> list[Variable]:
        """Return the Jacobian-vector products of the outputs (forward mode)."""
        raise NotImplementedError(f"{type(self).__name__} does not implement R_op")

    def connection_pattern(self, node: Apply) -> list[list[bool]]:
        return [[True] * len(node.outputs) for _ in node.inputs]

    def do_constant_folding(self, fgraph, node: Apply) -> bool:
        """Whether a node of this op with constant inputs may be precomputed."""
        return True

    def get_params(self, node: Apply):
        """Return the parameters ``perform`` receives; ops with ``params_type`` override."""
        if self.params_type is not None and hasattr(self, "__props__"):
            return self.params_type.get_params(self)
        raise MethodNotDefined("get_params")

    def prepare_node(
        self, node: Apply, storage_map, compute_map, impl: str | None
    ) -> None:
        """Hook run before a thunk is made (e.g. to precompute helpers)."""

    def make_py_thunk(
        self, node: Apply, storage_map, compute_map, no_recycling, debug: bool = False
    ):
        """Return a zero-argument callable running :meth:`perform` on storage cells.

        The thunk reads ``storage_map[input][0]`` for each input, lets
        ``perform`` fill ``storage_map[output][0]``, and marks the outputs as
        computed in ``compute_map`` (when one is given).
        """
        node_input_storage = [storage_map[r] for r in node.inputs]
        node_output_storage = [storage_map[r] for r in node.outputs]
        if debug and hasattr(self, "debug_perform"):
            perform = self.debug_perform
        else:
            perform = self.perform
        try:
            params = node.run_params()
        except MethodNotDefined:
            params = NoParams
        if (
            params is not NoParams
            and node.params_type is not None
            and hasattr(node.params_type, "filter")
        ):
            params = node.params_type.filter(params)

        out_flags = (
            [compute_map[o] for o in node.outputs] if compute_map is not None else []
        )

        if params is NoParams:
            # Specialised closures for the common arities: thunks are the
            # innermost loop of the Python linker.
            if len(node_input_storage) == 1:
                (in0,) = node_input_storage

                def thunk():
                    r = perform(node, [in0[0]], node_output_storage)
                    for f in out_flags:
                        f[0] = True
                    return r

            elif len(node_input_storage) == 2:
                in0, in1 = node_input_storage

                def thunk():
                    r = perform(node, [in0[0], in1[0]], node_output_storage)
                    for f in out_flags:
                        f[0] = True
                    return r

            else:

                def thunk():
                    r = perform(
                        node, [x[0] for x in node_input_storage], node_output_storage
                    )
                    for f in out_flags:
                        f[0] = True
                    return r

        else:

            def thunk():
                r = perform(
                    node,
                    [x[0] for x in node_input_storage],
                    node_output_storage,
                    params,
                )
                for f in out_flags:
                    f[0] = True
                return r

        thunk.inputs = node_input_storage
        thunk.outputs = node_output_storage
        thunk.perform = perform
        thunk.lazy = False
        return thunk

    def make_thunk(
        self,
        node: Apply,
        storage_map,
        compute_map,
        no_recycling,
        impl: str | None = None,
    ):
        """Return a thunk computing ``node``; the Python one unless overridden."""
        self.prepare_node(
            node, storage_map=storage_map, compute_map=compute_map, impl="py"
        )
        return self.make_py_thunk(node, storage_map, compute_map, no_recycling)

    def __str__(self):
        return getattr(self, "name", None) or type(self).__name__


class HasInnerGraph:
    """Mixin for ops that hold a graph of their own (Composite, Scan, OpFromGraph)."""

    @property
    def fn(self):
        raise NotImplementedError()

    @property
    def inner_inputs(self) -> list[Variable]:
        raise NotImplementedError()

    @property
    def inner_outputs(self) -> list[Variable]:
        raise NotImplementedError()

    def clone(self):
        raise NotImplementedError()


class _NoPythonOp(Op):
    """An op with no Python implementation (a backend must provide one)."""

    def perform(self, node, inputs, output_storage, params=None):
        raise NotImplementedError(f"{self} has no Python implementation")


def compute_test_value(node: Apply) -> None:
    """Run ``node`` on its inputs' test values and store the outputs' ones.

    Used by :meth:`Op.__call__` when ``config.compute_test_value`` is not
    ``"off"``. A missing input test value is ignored (``"ignore"``), warned
    about (``"warn"``) or raises ``ValueError`` (``"raise"``/``"pdb"``).
    """
    from aesara.configdefaults import config
    from aesara.graph.utils import TestValueError, get_variable_trace_string

    storage_map: dict = {}
    compute_map: dict = {}
    for i, inp in enumerate(node.inputs):
        try:
            storage_map[inp] = [inp.get_test_value()]
        except TestValueError:
            mode = config.compute_test_value
            msg = (
                f"Cannot compute test value: input {i} ({inp}) of Op {node} "
                "missing default value."
            )
            if mode == "ignore":
                return
            if mode == "warn":
                import warnings

                warnings.warn(msg, stacklevel=3)
                return
            raise ValueError(f"{msg} {get_variable_trace_string(inp)}") from None
        compute_map[inp] = [True]
    # Inputs the op overwrites are copied so the test values survive.
    for idxs in (node.op.destroy_map or {}).values():
        for k in idxs:
            val = storage_map[node.inputs[k]][0]
            storage_map[node.inputs[k]] = [val.copy() if hasattr(val, "copy") else val]
    for o in node.outputs:
        storage_map[o] = [None]
        compute_map[o] = [False]
    thunk = node.op.make_thunk(node, storage_map, compute_map, no_recycling=[])
    # Test values stand in for what compiled (C) code computes, which gives
    # inf/nan without NumPy's floating-point warnings.
    import numpy as np

    with np.errstate(all="ignore"):
        thunk()
    for o in node.outputs:
        o.tag.test_value = storage_map[o][0]


def get_test_value(v: Any) -> Any:
    """Return the test value of ``v`` (the value itself for non-variables)."""
    if not isinstance(v, Variable):
        return v
    return v.get_test_value()


def get_test_values(*args: Variable) -> list[Any]:
    return [get_test_value(a) for a in args]


def is_thunk_type(thunk: ThunkCallableType) -> ThunkType:
    """Return ``thunk`` unchanged, typed as a :data:`ThunkType` (for annotations)."""
    return thunk


def missing_test_message(msg: str) -> None:
    """Report a missing test value as ``config.compute_test_value`` asks.

    ``"raise"`` (and ``"pdb"``) raise :class:`~aesara.graph.utils.TestValueError`
    with ``msg``; ``"warn"`` warns with it; ``"ignore"`` and ``"off"`` do nothing.
    """
    import warnings

    from aesara.configdefaults import config
    from aesara.graph.utils import TestValueError

    action = config.compute_test_value
    if action in ("raise", "pdb"):
        raise TestValueError(msg)
    if action == "warn":
        warnings.warn(msg, stacklevel=2)
    elif action not in ("ignore", "off"):
        raise ValueError(
            "config.compute_test_value must be 'off', 'ignore', 'warn', 'raise' "
            f"or 'pdb', got {action!r}"
        )
