"""Graph preparation for :func:`aesara.function`: substitutions (``givens``),
shared variables as implicit inputs, and their updates."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aesara.compile.function.types import UnusedInputError
from aesara.compile.io import In, Out, SymbolicInput
from aesara.compile.sharedvalue import SharedVariable, shared
from aesara.graph.basic import Constant, Variable, clone_node_and_cache

__all__ = [
    "construct_pfunc_ins_and_outs",
    "iter_over_pairs",
    "pfunc",
    "rebuild_collect_shared",
]


def iter_over_pairs(pairs):
    """Iterate over the ``(key, value)`` pairs of a dict, or of a sequence of pairs.

    Parameters
    ----------
    pairs
        A mapping (its items are iterated) or any iterable of pairs (returned
        as is).

    Returns
    -------
    iterable
        The pairs.
    """
    if isinstance(pairs, dict):
        return pairs.items()
    return pairs


def _pairs(obj, what: str) -> list[tuple]:
    """``obj`` (dict, or sequence of pairs, or None) as a list of pairs."""
    if obj is None:
        return []
    if isinstance(obj, dict):
        return list(obj.items())
    if isinstance(obj, (list, tuple)):
        out = []
        for i, item in enumerate(obj):
            if not isinstance(item, (list, tuple)) or len(item) != 2:
                raise TypeError(
                    f"{what} must be a dict or a list of (variable, value) pairs; "
                    f"item {i} is {item!r}"
                )
            out.append(tuple(item))
        return out
    raise TypeError(
        f"{what} must be a dict or a list of (variable, value) pairs, got {type(obj).__name__}"
    )


def rebuild_collect_shared(
    outputs,
    inputs: Sequence[Variable] | None = None,
    replace=None,
    updates=None,
    rebuild_strict: bool = True,
    copy_inputs_over: bool = True,
    no_default_updates: bool | Sequence[SharedVariable] = False,
    clone_inner_graphs: bool = False,
):
    """Copy the graphs of ``outputs`` with replacements, collecting shared variables.

    Parameters
    ----------
    outputs
        A variable, an :class:`Out`, or a list of them.
    inputs
        The function's explicit input variables.
    replace
        ``{old: new}`` (or pairs) substituted while copying (``givens``).
    updates
        ``{shared_var: new_value_expression}`` (or pairs).
    rebuild_strict
        Require replacements to keep the replaced variables' types.
    copy_inputs_over
        Keep the root variables themselves instead of copying them.
    no_default_updates
        ``True`` to ignore every shared variable's ``default_update``, or a
        list of the shared variables whose default update is ignored.
    clone_inner_graphs
        Also copy the inner graphs of ops that have one.

    Returns
    -------
    input_variables, cloned_outputs, [clone_d, update_d, update_expr, shared_inputs]
        ``clone_d`` maps originals to copies, ``update_d`` maps each shared
        variable to its (copied) update, ``update_expr`` lists the update
        pairs, ``shared_inputs`` the shared variables the graphs use.
    """
    if isinstance(outputs, tuple):
        outputs = list(outputs)
    if inputs is None:
        inputs = []
    clone_d: dict = {}
    update_d: dict = {}
    update_expr: list = []
    shared_inputs: list = []

    def wants_default_update(v: SharedVariable) -> bool:
        if no_default_updates is True:
            return False
        if no_default_updates is False or no_default_updates is None:
            return True
        return v not in no_default_updates

    def clone_v(v: Variable) -> Variable:
        # Iterative post-order walk: deep graphs must not hit the recursion limit.
        stack = [(v, False)]
        while stack:
            var, ready = stack.pop()
            if var in clone_d:
                continue
            owner = var.owner
            if owner is not None:
                if not ready:
                    stack.append((var, True))
                    stack.extend((i, False) for i in owner.inputs if i not in clone_d)
                    continue
                clone_node_and_cache(
                    owner,
                    clone_d,
                    strict=rebuild_strict,
                    clone_inner_graphs=clone_inner_graphs,
                )
                clone_d.setdefault(var, var)
                continue
            if isinstance(var, SharedVariable):
                if var not in shared_inputs:
                    shared_inputs.append(var)
                du = var.default_update
                if du is not None and _is_update_placeholder(du):
                    du = None  # an unset update (see UpdatePlaceholder)
                if du is not None and wants_default_update(var) and var not in update_d:
                    v_update = var.type.filter_variable(du, allow_convert=True)
                    if not var.type.is_super(v_update.type):
                        raise TypeError(
                            f"The default_update of shared variable {var} has type "
                            f"{v_update.type}, incompatible with the variable's type {var.type}"
                        )
                    update_d[var] = v_update
                    update_expr.append((var, v_update))
            if copy_inputs_over:
                clone_d.setdefault(var, var)
            else:
                clone_d.setdefault(var, var.clone())
        return clone_d[v]

    # Substitutions first, so the copied graphs use them.
    for v_orig, v_repl in _pairs(replace, "givens"):
        if not isinstance(v_orig, Variable):
            raise TypeError(f"The keys of givens must be Variables, got {v_orig!r}")
        if not isinstance(v_repl, Variable):
            v_repl = shared(v_repl)
        if v_orig in clone_d:
            raise AssertionError(
                "When using 'givens' or 'replace' with several (old, new) pairs, "
                f"a new variable cannot depend on an old one ({v_orig} is already "
                "replaced or used)"
            )
        if rebuild_strict:
            try:
                v_repl = v_orig.type.filter_variable(v_repl, allow_convert=True)
            except TypeError as e:
                raise TypeError(
                    f"givens: cannot replace {v_orig} (type {v_orig.type}) by {v_repl} "
                    f"(type {v_repl.type}): the types are incompatible"
                ) from e
        clone_d[v_orig] = clone_v(v_repl)

    # Inputs are leaves, as in Aesara: a non-root variable given as an input
    # cuts the graph there, so nothing above it (nor the default updates of
    # the shared variables above it) is part of the function.
    input_variables = [
        clone_d.setdefault(v, v if copy_inputs_over else v.clone())
        if isinstance(v, Variable) and not isinstance(v, SharedVariable)
        else clone_v(v)
        for v in inputs
    ]

    for store_into, update_val in _pairs(updates, "updates"):
        if not isinstance(store_into, SharedVariable):
            raise TypeError(
                f"The target of an update must be a SharedVariable, got {store_into} "
                f"({type(store_into).__name__})"
            )
        if store_into in update_d:
            raise ValueError(
                f"Shared variable {store_into} already has an update expression "
                f"({update_d[store_into]})"
            )
        try:
            update_val = store_into.type.filter_variable(update_val, allow_convert=True)
        except TypeError as e:
            raise TypeError(
                "An update must have the same type as the original shared variable "
                f"(shared_var={store_into}, shared_var.type={store_into.type}, "
                f"update_val={update_val}, update_val.type="
                f"{getattr(update_val, 'type', type(update_val).__name__)})."
            ) from e
        if not store_into.type.is_super(update_val.type):
            raise TypeError(
                f"The update of shared variable {store_into} has type {update_val.type}, "
                f"incompatible with the variable's type {store_into.type}"
            )
        update_d[store_into] = update_val
        update_expr.append((store_into, update_val))

    single = False
    if outputs is None:
        out_list: list = []
    elif isinstance(outputs, list):
        out_list = outputs
    else:
        single = True
        out_list = [outputs]
    cloned_outputs = []
    for v in out_list:
        if isinstance(v, Out):
            cloned_outputs.append(Out(clone_v(v.variable), borrow=v.borrow))
        elif isinstance(v, Variable):
            cloned_outputs.append(clone_v(v))
        else:
            raise TypeError(
                "Outputs must be Aesara Variables or Out instances; received "
                f"{v!r} of type {type(v).__name__}"
            )

    # Copy the update expressions; they may bring in more shared variables
    # with default updates, so the list grows while we walk it.
    i = 0
    while i < len(update_expr):
        v, v_update = update_expr[i]
        update_d[v] = clone_v(v_update)
        if v not in shared_inputs:
            shared_inputs.append(v)
        i += 1

    if single:
        out_result = cloned_outputs[0]
    elif outputs is None:
        out_result = []
    else:
        out_result = cloned_outputs
    return input_variables, out_result, [clone_d, update_d, update_expr, shared_inputs]


def _is_update_placeholder(v) -> bool:
    from aesara.compile.ops import UpdatePlaceholder

    return v.owner is not None and isinstance(v.owner.op, UpdatePlaceholder)


def _pfunc_param_to_in(
    param, strict: bool = False, allow_downcast: bool | None = None
) -> In:
    if isinstance(param, Constant):
        raise TypeError(f"Constants are not allowed as function inputs: {param}")
    # A shared variable, bare or wrapped in In, is never an explicit input (as
    # in Aesara): its value lives in its container.
    if isinstance(param, SharedVariable) or (
        isinstance(param, In) and isinstance(param.variable, SharedVariable)
    ):
        shared_var = param.variable if isinstance(param, In) else param
        raise TypeError(
            f"Cannot use a shared variable ({shared_var}) as explicit input. Consider "
            "substituting a non-shared variable via the `givens` parameter"
        )
    if isinstance(param, Variable):
        return In(variable=param, strict=strict, allow_downcast=allow_downcast)
    if isinstance(param, In):
        return param
    raise TypeError(
        f"Unknown parameter type: {type(param).__name__} ({param!r}); function inputs "
        "must be Variables or In instances"
    )


def construct_pfunc_ins_and_outs(
    params,
    outputs=None,
    mode=None,
    updates=None,
    givens=None,
    no_default_updates=False,
    rebuild_strict=True,
    allow_input_downcast=None,
):
    """Prepare the input specs and copied outputs of :func:`pfunc`."""
    if not isinstance(params, (list, tuple)):
        raise TypeError(
            "The inputs of an Aesara function must be given in a list, even when "
            f"there is a single one (got {type(params).__name__})"
        )
    inputs = [
        _pfunc_param_to_in(p, allow_downcast=allow_input_downcast) for p in params
    ]
    in_variables = [spec.variable for spec in inputs]
    # An input computed by other nodes (``v.owner is not None``) is allowed, as
    # in Aesara: the graph is cut there and the value is supplied by the caller
    # (the function graph works on copies of the inputs without their owners).
    for i, v in enumerate(in_variables):
        for j in range(i + 1, len(in_variables)):
            if in_variables[j] is v:
                raise UnusedInputError(
                    f"Variable {v} is used twice in inputs to aesara.function, at "
                    f"indices {i} and {j}. This would result in values provided for "
                    "it being ignored. Please do not duplicate variables in the "
                    "inputs list."
                )
    in_var_set = set(in_variables)
    for v_orig, _ in _pairs(givens, "givens"):
        if v_orig in in_var_set:
            raise RuntimeError(
                f"You are trying to replace variable '{v_orig}' through the `givens` "
                "parameter, but this variable is an input to your function. Replacing "
                "inputs is forbidden because it has no effect. Define a new input `y` "
                "and use `givens={x: g(y)}` instead."
            )
    input_variables, cloned_outputs, other = rebuild_collect_shared(
        outputs,
        in_variables,
        replace=givens,
        updates=updates,
        rebuild_strict=rebuild_strict,
        copy_inputs_over=True,
        no_default_updates=no_default_updates,
    )
    clone_d, update_d, update_expr, shared_inputs = other
    new_inputs: list[SymbolicInput] = []
    for spec, iv in zip(inputs, input_variables):
        if spec.variable is not iv:
            spec = _copy_spec(spec)
            spec.variable = iv
        new_inputs.append(spec)
    for sv in shared_inputs:
        upd = update_d.get(sv)
        si = In(
            variable=sv,
            value=sv.container,
            mutable=(upd is not None),
            update=upd,
            implicit=True,
            shared=True,
        )
        new_inputs.append(si)
    return new_inputs, cloned_outputs


def _copy_spec(spec: Any) -> Any:
    import copy

    return copy.copy(spec)


def pfunc(
    params,
    outputs=None,
    mode=None,
    updates=None,
    givens=None,
    no_default_updates=False,
    accept_inplace: bool = False,
    name: str | None = None,
    rebuild_strict: bool = True,
    allow_input_downcast: bool | None = None,
    profile=None,
    on_unused_input: str | None = None,
    output_keys=None,
    fgraph=None,
):
    """Compile a function, handling shared variables, updates and givens.

    Parameters are those of :func:`aesara.function` (``params`` being its
    ``inputs``), plus ``output_keys`` (names of the outputs when the
    function returns a dict).
    """
    from aesara.compile.function.types import FunctionMaker

    inputs, cloned_outputs = construct_pfunc_ins_and_outs(
        params,
        outputs,
        mode,
        updates,
        givens,
        no_default_updates,
        rebuild_strict,
        allow_input_downcast,
    )
    maker = FunctionMaker(
        inputs,
        cloned_outputs,
        mode,
        accept_inplace=accept_inplace,
        profile=profile,
        on_unused_input=on_unused_input,
        output_keys=output_keys,
        name=name,
        fgraph=fgraph,
    )
    return maker.create()
