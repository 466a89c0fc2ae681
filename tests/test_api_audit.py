"""Audit: the public names of Aesara 2.9 exist here, with Aesara's parameters.

``PUBLIC`` lists, per module, the names Aesara 2.9 exposes (read from its
``__all__`` lists and public definitions); ``SIGNATURES`` gives the parameter
names of the functions whose call signature users rely on. ``EXCLUDED``
names are out of scope for a reason given there; ``MISSING`` names are known
gaps (their tests are strict xfails, so implementing one turns it red until
it is moved out of ``MISSING``).

The whole of Aesara 2.9 (every module, every public name) is audited at the
end of this file from the generated table ``tests/api_audit/aesara29_api.json``
(``scripts/gen_api_table.py``), with the known gaps and differences in
``tests/api_audit/exceptions.py``; ``docs/compatibility.md``'s module table
is generated from the same data (``scripts/gen_compat_doc.py``).

Covered elsewhere (other engineers' audits): ``aesara.tensor.nlinalg``,
``slinalg``, ``sort``, ``fft``, ``aesara.ifelse``, ``aesara.raise_op``,
``aesara.tensor.random``, ``aesara.tensor.rewriting.*``,
``aesara.tensor.blas*``, ``aesara.scan``, ``aesara.link.c``,
``aesara.link.numba``, ``aesara.link.jax``.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import json
import warnings
from pathlib import Path

import pytest

from tests.api_audit import exceptions as api_exceptions

_TENSOR_TYPES = (
    "TensorType tensor scalar vector matrix row col tensor3 tensor4 tensor5 tensor6 "
    "tensor7 scalars vectors matrices rows cols tensor3s tensor4s tensor5s tensor6s "
    "tensor7s "
    + " ".join(
        f"{p}{k}"
        for p in "bwilfdcz"
        for k in ("scalar", "vector", "matrix", "row", "col", "tensor3", "tensor4")
    )
    + " fscalars dscalars iscalars lscalars fvectors dvectors ivectors lvectors "
    "fmatrices dmatrices imatrices lmatrices frows drows irows lrows fcols dcols "
    "icols lcols complex_types float_types int_types complex_scalar_types "
    "float_scalar_types int_scalar_types complex_vector_types float_vector_types "
    "int_vector_types complex_matrix_types float_matrix_types int_matrix_types "
    "values_eq_approx_always_true"
)

_BASIC = (
    "choose swapaxes stacklists diag diagonal inverse_permutation "
    "permute_row_elements mgrid ogrid arange tile flatten is_flat vertical_stack "
    "horizontal_stack get_vector_length concatenate stack roll join split "
    "transpose extract_constant default tensor_copy transfer alloc identity_like "
    "eye triu tril tri nonzero_values flatnonzero nonzero ones zeros zeros_like "
    "ones_like fill second where switch cast scalar_from_tensor "
    "tensor_from_scalar get_scalar_constant_value constant as_tensor_variable "
    "as_tensor full full_like empty empty_like trace atleast_Nd atleast_1d "
    "atleast_2d atleast_3d expand_dims infer_static_shape check_and_normalize_axes "
    "register_transfer TensorFromScalar ScalarFromTensor Alloc AllocEmpty "
    "AllocDiag ExtractDiag Eye Tri Join Split ARange MakeVector make_vector "
    "PermuteRowElements Choose Default"
)

_MATH = (
    "max_and_argmax max matmul argmax min argmin smallest largest lt gt le ge eq "
    "neq isnan isinf allclose isclose and_ bitwise_and or_ bitwise_or xor "
    "bitwise_xor invert bitwise_not abs exp exp2 expm1 neg reciprocal log log2 "
    "log10 log1p sgn ceil floor trunc iround round round_half_to_even "
    "round_half_away_from_zero sqr square cov sqrt deg2rad rad2deg cos arccos sin "
    "arcsin tan arctan arctan2 cosh arccosh sinh arcsinh tanh arctanh erf erfc "
    "erfcx erfinv erfcinv owens_t gamma gammaln psi digamma tri_gamma chi2sf "
    "gammainc gammaincc gammau gammal j0 j1 jv i0 i1 iv sigmoid expit softplus "
    "log1pexp log1mexp betainc real imag angle complex conj conjugate "
    "complex_from_polar sum prod mean var std maximum minimum divmod add sub mul "
    "true_div int_div floor_div ceil_intdiv mod pow clip dot dense_dot tensordot "
    "outer any all ptp power logaddexp logsumexp polygamma "
    "makeKeepDims"
)
# Classes of aesara.tensor.math that Aesara does not list in its __all__.
_MATH_CLASSES = (
    "MaxAndArgmax Argmax Max Min Sum Prod All Any Dot MatMul Mean ProdWithoutZeros"
)

PUBLIC: dict[str, str] = {
    "aesara": (
        "config function FunctionMaker In Out Mode ProfileStats predefined_linkers "
        "predefined_modes predefined_optimizers shared Lop Rop grad subgraph_grad "
        "dprint pp pprint get_scalar_constant_value clone_replace scalar tensor "
        "function_dump OrderedUpdates"
    ),
    "aesara.tensor": (
        "as_tensor_variable get_vector_length consider_constant grad hessian "
        "jacobian sharedvar xlogx special batched_dot batched_tensordot bartlett "
        "bincount cumprod cumsum fill_diagonal fill_diagonal_offset "
        "ravel_multi_index repeat squeeze unravel_index reshape shape "
        "shape_padaxis shape_padleft shape_padright specify_shape TensorConstant "
        "TensorVariable make_slice slicetype NoneConst none_type_t Subtensor "
        "IncSubtensor set_subtensor inc_subtensor take "
        # Submodules and sort functions Aesara 2.9 re-exports here.
        "linalg nlinalg slinalg blas extra_ops argsort argtopk sort topk "
        "topk_and_argtopk " + _TENSOR_TYPES + " " + _BASIC + " " + _MATH
    ),
    "aesara.tensor.basic": _BASIC,
    "aesara.tensor.math": _MATH + " " + _MATH_CLASSES,
    "aesara.tensor.elemwise": "DimShuffle Elemwise CAReduce scalar_elemwise",
    "aesara.tensor.shape": (
        "Shape shape shape_tuple Shape_i shape_i shape_i_op SpecifyShape "
        "specify_shape Reshape reshape shape_padleft shape_padright shape_padaxis "
        "specify_broadcastable Unbroadcast unbroadcast register_shape_i_c_code"
    ),
    "aesara.tensor.subtensor": (
        "Subtensor IncSubtensor AdvancedSubtensor1 AdvancedIncSubtensor1 "
        "AdvancedSubtensor AdvancedIncSubtensor advanced_subtensor "
        "advanced_subtensor1 advanced_inc_subtensor advanced_inc_subtensor1 "
        "advanced_set_subtensor advanced_set_subtensor1 inc_subtensor "
        "set_subtensor take get_idx_list get_canonical_form_slice "
        "as_index_constant as_index_literal index_vars_to_types "
        "indices_from_subtensor basic_shape get_slice_elements get_constant_idx "
        "as_nontensor_scalar"
    ),
    "aesara.tensor.extra_ops": (
        "CpuContiguous cpu_contiguous SearchsortedOp searchsorted CumOp cumsum "
        "cumprod DiffOp diff bincount squeeze compress RepeatOp repeat Bartlett "
        "bartlett FillDiagonal fill_diagonal FillDiagonalOffset "
        "fill_diagonal_offset to_one_hot Unique unique UnravelIndex unravel_index "
        "RavelMultiIndex ravel_multi_index broadcast_shape broadcast_shape_iter "
        "geomspace logspace linspace broadcast_to broadcast_arrays BroadcastTo"
    ),
    "aesara.tensor.special": "Softmax SoftmaxGrad LogSoftmax softmax log_softmax",
    "aesara.tensor.fourier": "Fourier fft",
    "aesara.tensor.var": "TensorVariable TensorConstant TensorConstantSignature "
    "_tensor_py_operators",
    "aesara.tensor.type": (
        "TensorType values_eq_approx_remove_inf values_eq_approx_remove_nan "
        "values_eq_approx_remove_inf_nan values_eq_approx_always_true int_dtypes "
        "uint_dtypes float_dtypes complex_dtypes discrete_dtypes "
        "continuous_dtypes all_dtypes integer_dtypes " + _TENSOR_TYPES
    ),
    "aesara.tensor.type_other": (
        "MakeSlice make_slice SliceType SliceConstant slicetype NoneTypeT "
        "none_type_t NoneConst as_int_none_variable"
    ),
    "aesara.tensor.sharedvar": (
        "TensorSharedVariable tensor_constructor scalar_constructor "
        "ScalarSharedVariable"
    ),
    "aesara.tensor.utils": "hash_from_ndarray shape_of_variables import_func_from_string",
    "aesara.scalar.basic": (
        "ScalarType ScalarVariable ScalarConstant ScalarOp UnaryScalarOp "
        "BinaryScalarOp Composite as_scalar constant get_scalar_type upcast "
        "upgrade_to_float upgrade_to_float_no_complex same_out same_out_nocomplex "
        "upcast_out upcast_out_no_complex transfer_type specific_out int_out "
        "float_out unary_out_lookup float32 float64 int8 int32 int64 uint8 bool "
        "complex64 complex128 add sub mul true_div int_div mod pow neg exp log "
        "sqrt Add Mul Sub TrueDiv IntDiv Mod Pow Clip clip Switch switch Cast "
        "cast convert Identity identity second Second cos sin tan arccos arcsin "
        "arctan cosh sinh tanh Abs abs sgn Sgn ceil floor trunc "
        "round_half_to_even round_half_away_from_zero LT GT LE GE EQ NEQ lt gt le "
        "ge eq neq isnan isinf InRange AND OR XOR Invert and_ or_ xor invert "
        "scalar_maximum scalar_minimum ScalarMaximum ScalarMinimum complex real imag angle conj "
        "complex_from_polar Real Imag Angle Conj Complex ComplexFromPolar "
        "float_types int_types complex_types discrete_types continuous_types ints "
        "floats complexs"
    ),
    "aesara.scalar.math": (
        "Erf Erfc Erfcx Erfinv Erfcinv Owens_t Gamma GammaLn Psi TriGamma "
        "PolyGamma Chi2SF GammaInc GammaIncC GammaU GammaL Jv J1 J0 Iv I1 I0 "
        "Sigmoid Softplus Log1mexp BetaInc erf erfc erfcx erfinv erfcinv owens_t "
        "gamma gammaln psi tri_gamma chi2sf gammainc gammaincc gammau gammal jv "
        "j1 j0 iv i1 i0 sigmoid softplus log1mexp betainc"
    ),
    "aesara.gradient": (
        "grad Lop Rop jacobian hessian subgraph_grad verify_grad numeric_grad "
        "mode_not_slow grad_not_implemented grad_undefined format_as "
        "consider_constant ConsiderConstant zero_grad ZeroGrad disconnected_grad "
        "DisconnectedGrad undefined_grad UndefinedGrad grad_clip GradClip "
        "grad_scale GradScale DisconnectedType disconnected_type "
        "DisconnectedInputError NullTypeGradError GradientError"
    ),
    "aesara.compile": (
        "function function_dump pfunc In Out SymbolicInput SymbolicOutput Mode "
        "FAST_RUN FAST_COMPILE predefined_linkers predefined_modes "
        "predefined_optimizers get_mode get_default_mode register_mode "
        "register_optimizer register_linker optdb shared SharedVariable "
        "shared_constructor ProfileStats ViewOp view_op DeepCopyOp deep_copy_op "
        "register_view_op_c_code register_deep_copy_op_c_code Supervisor "
        "AliasedMemoryError infer_reuse_pattern fgraph_updated_vars "
        "convert_function_input orig_function OpFromGraph UnusedInputError "
        "Function FunctionMaker std_fgraph insert_deepcopy as_op"
    ),
    "aesara.compile.mode": (
        "Mode get_mode get_default_mode register_mode register_optimizer "
        "register_linker optdb predefined_modes predefined_linkers "
        "predefined_optimizers OPT_NONE OPT_MERGE OPT_FAST_RUN "
        "OPT_FAST_RUN_STABLE OPT_FAST_COMPILE OPT_STABILIZE FAST_RUN FAST_COMPILE "
        "AddDestroyHandler"
    ),
    "aesara.compile.function.types": (
        "Function FunctionMaker UnusedInputError std_fgraph insert_deepcopy "
        "infer_reuse_pattern fgraph_updated_vars AliasedMemoryError alias_root "
        "view_tree_set Supervisor orig_function convert_function_input"
    ),
    "aesara.compile.io": "SymbolicInput SymbolicOutput In Out",
    "aesara.compile.sharedvalue": "SharedVariable shared shared_constructor",
    "aesara.compile.ops": (
        "ViewOp view_op DeepCopyOp deep_copy_op FromFunctionOp as_op "
        "register_view_op_c_code register_deep_copy_op_c_code"
    ),
    "aesara.graph.basic": (
        "Node Apply Variable Constant AtomicVariable NominalVariable clone "
        "clone_replace clone_get_equiv graph_inputs vars_between variables "
        "ancestors orphans_between applys_between walk general_toposort "
        "io_toposort io_connection_pattern is_in_ancestors equal_computations "
        "get_var_by_name list_of_nodes as_string view_roots op_as_string"
    ),
    "aesara.graph.op": (
        "Op HasInnerGraph get_test_value compute_test_value ComputeMapType "
        "StorageMapType OutputStorageType ParamsInputType PerformMethodType "
        "BasicThunkType ThunkCallableType ThunkType"
    ),
    "aesara.graph.fg": "FunctionGraph",
    "aesara.graph.type": "Type DataType HasDataType HasShape",
    "aesara.graph.utils": (
        "MetaObject MetaType MethodNotDefined TestValueError InconsistencyError "
        "MissingInputError simple_extract_stack add_tag_trace "
        "get_variable_trace_string ValidatingScratchpad Scratchpad"
    ),
    "aesara.graph.features": (
        "Feature AlreadyThere ReplacementDidNotRemoveError BadOptimization "
        "Bookkeeper GetCheckpoint LambdaExtract History Validator ReplaceValidate "
        "NodeFinder PrintListener PreserveNames PreserveVariableAttributes "
        "NoOutputFromInplace"
    ),
    "aesara.printing": (
        "debugprint pprint pp Print PrinterState Printer OperatorPrinter "
        "PatternPrinter FunctionPrinter IgnorePrinter LeafPrinter DefaultPrinter "
        "PPrinter pydotprint min_informative_str var_descriptor "
        "position_independent_str hex_digest char_from_number"
    ),
    "aesara.link.basic": (
        "Container Linker LocalLinker PerformLinker WrapLinker WrapLinkerMany JITLinker"
    ),
    "aesara.link.vm": "VM Loop Stack VMLinker calculate_reallocate_info UpdatingVM",
    "aesara.link.utils": (
        "raise_with_op map_storage add_clear_storage streamline gc_helper "
        "fgraph_to_python get_destroy_dependencies register_thunk_debug_callback "
        "compile_function_src unique_name_generator"
    ),
}

# Parameter names (in order) of functions users call with keywords.
SIGNATURES: dict[str, tuple[str, ...]] = {
    "aesara.tensor.basic.permute_row_elements": ("x", "y", "inverse"),
    "aesara.tensor.basic.inverse_permutation": ("perm",),
    "aesara.tensor.basic.stacklists": ("arg",),
    "aesara.tensor.basic.as_tensor_variable": ("x", "name", "ndim", "kwargs"),
    "aesara.tensor.basic.constant": ("x", "name", "ndim", "dtype"),
    "aesara.tensor.basic.get_vector_length": ("v",),
    "aesara.tensor.basic.alloc": None,  # an op instance
    "aesara.tensor.basic.swapaxes": ("y", "axis1", "axis2"),
    "aesara.tensor.basic.diagonal": ("a", "offset", "axis1", "axis2"),
    "aesara.tensor.basic.diag": ("v", "k"),
    "aesara.tensor.basic.choose": ("a", "choices", "out", "mode"),
    "aesara.tensor.basic.empty": ("shape", "dtype"),
    "aesara.tensor.basic.empty_like": ("prototype", "dtype", "shape"),
    "aesara.tensor.basic.transfer": ("var", "target"),
    "aesara.tensor.basic.zeros": ("shape", "dtype"),
    "aesara.tensor.basic.ones": ("shape", "dtype"),
    "aesara.tensor.basic.full": ("shape", "fill_value", "dtype"),
    "aesara.tensor.basic.cast": ("x", "dtype"),
    "aesara.tensor.basic.flatten": ("x", "ndim"),
    "aesara.tensor.basic.tile": ("x", "reps", "ndim"),
    "aesara.tensor.basic.split": ("x", "splits_size", "n_splits", "axis"),
    "aesara.tensor.basic.eye": ("n", "m", "k", "dtype"),
    "aesara.tensor.basic.tri": ("N", "M", "k", "dtype"),
    "aesara.tensor.math.max_and_argmax": ("a", "axis", "keepdims"),
    "aesara.tensor.math.argmax": ("x", "axis", "keepdims"),
    "aesara.tensor.math.sum": ("input", "axis", "dtype", "keepdims", "acc_dtype"),
    "aesara.tensor.math.mean": (
        "input",
        "axis",
        "dtype",
        "op",
        "keepdims",
        "acc_dtype",
    ),
    "aesara.tensor.math.var": ("input", "axis", "ddof", "keepdims", "corrected"),
    "aesara.tensor.math.std": ("input", "axis", "ddof", "keepdims", "corrected"),
    "aesara.tensor.math.cov": (
        "m",
        "y",
        "rowvar",
        "bias",
        "ddof",
        "fweights",
        "aweights",
    ),
    "aesara.tensor.math.makeKeepDims": ("x", "y", "axis"),
    "aesara.tensor.math.tensordot": ("a", "b", "axes"),
    "aesara.tensor.math.logsumexp": ("x", "axis", "keepdims"),
    "aesara.tensor.extra_ops.cumsum": ("x", "axis"),
    "aesara.tensor.extra_ops.diff": ("x", "n", "axis"),
    "aesara.tensor.extra_ops.searchsorted": ("x", "v", "side", "sorter"),
    "aesara.tensor.extra_ops.squeeze": ("x", "axis"),
    "aesara.tensor.shape.specify_shape": ("x", "shape"),
    "aesara.tensor.shape.shape_padaxis": ("t", "axis"),
    "aesara.tensor.subtensor.set_subtensor": (
        "x",
        "y",
        "inplace",
        "tolerate_inplace_aliasing",
    ),
    "aesara.tensor.subtensor.inc_subtensor": (
        "x",
        "y",
        "inplace",
        "set_instead_of_inc",
        "tolerate_inplace_aliasing",
        "ignore_duplicates",
    ),
    "aesara.gradient.grad": (
        "cost",
        "wrt",
        "consider_constant",
        "disconnected_inputs",
        "add_names",
        "known_grads",
        "return_disconnected",
        "null_gradients",
    ),
    "aesara.gradient.Lop": (
        "f",
        "wrt",
        "eval_points",
        "consider_constant",
        "disconnected_inputs",
    ),
    "aesara.gradient.Rop": (
        "f",
        "wrt",
        "eval_points",
        "disconnected_outputs",
        "return_disconnected",
    ),
    "aesara.gradient.jacobian": (
        "expression",
        "wrt",
        "consider_constant",
        "disconnected_inputs",
        "vectorize",
    ),
    "aesara.gradient.hessian": (
        "cost",
        "wrt",
        "consider_constant",
        "disconnected_inputs",
        "vectorize",
    ),
    "aesara.gradient.subgraph_grad": ("wrt", "end", "start", "cost", "details"),
    "aesara.gradient.verify_grad": (
        "fun",
        "pt",
        "n_tests",
        "rng",
        "eps",
        "out_type",
        "abs_tol",
        "rel_tol",
        "mode",
        "cast_to_output_type",
        "no_debug_ref",
    ),
    "aesara.gradient.grad_undefined": ("op", "x_pos", "x", "comment"),
    "aesara.gradient.grad_not_implemented": ("op", "x_pos", "x", "comment"),
    "aesara.gradient.format_as": ("use_list", "use_tuple", "outputs"),
    "aesara.gradient.grad_clip": ("x", "lower_bound", "upper_bound"),
    "aesara.gradient.grad_scale": ("x", "multiplier"),
    "aesara.gradient.mode_not_slow": ("mode",),
    "aesara.graph.basic.clone_replace": ("output", "replace"),
}

EXCLUDED: dict[str, str] = {
    "aesara.tensor.shape.register_shape_i_c_code": "C code registration: link/c",
    "aesara.compile.register_view_op_c_code": "C code registration: link/c",
    "aesara.compile.register_deep_copy_op_c_code": "C code registration: link/c",
    "aesara.compile.ops.register_view_op_c_code": "C code registration: link/c",
    "aesara.compile.ops.register_deep_copy_op_c_code": "C code registration: link/c",
}

# Known gaps: these names do not exist yet (strict xfail keeps the list honest).
MISSING: dict[str, str] = {}


def _cases():
    for mod, names in PUBLIC.items():
        for name in dict.fromkeys(names.split()):
            full = f"{mod}.{name}"
            marks = []
            if full in EXCLUDED:
                marks.append(pytest.mark.skip(reason=EXCLUDED[full]))
            elif full in MISSING:
                marks.append(pytest.mark.xfail(reason=MISSING[full], strict=True))
            yield pytest.param(mod, name, id=full, marks=marks)


def _resolve(mod: str, name: str):
    module = importlib.import_module(mod)
    if not hasattr(module, name):
        # Submodules count when importable (aesara.tensor.special...).
        try:
            return importlib.import_module(f"{mod}.{name}")
        except ImportError:
            pass
    assert hasattr(module, name), f"{mod} has no public name {name!r}"
    return getattr(module, name)


@pytest.mark.parametrize("mod, name", list(_cases()))
def test_public_name_exists(mod, name):
    obj = _resolve(mod, name)
    assert obj is not None or name in ("NoneConst",)


def _signature_cases():
    for full, params in SIGNATURES.items():
        if params is None:
            continue
        yield pytest.param(full, params, id=full)


@pytest.mark.parametrize("full, params", list(_signature_cases()))
def test_signature_matches_aesara(full, params):
    mod, name = full.rsplit(".", 1)
    obj = _resolve(mod, name)
    sig = inspect.signature(obj)
    got = tuple(sig.parameters)
    # Aesara's leading parameters must be here, in order; extra trailing
    # keyword-only parameters of ours are allowed.
    assert got[: len(params)] == params, f"{full}{sig}: expected parameters {params}"


def test_signature_table_covers_listed_modules():
    # Every signature entry names a module audited in PUBLIC.
    for full in SIGNATURES:
        mod, name = full.rsplit(".", 1)
        assert mod in PUBLIC, full
        assert name in PUBLIC[mod].split(), full


def test_no_name_both_excluded_and_missing():
    assert not set(EXCLUDED) & set(MISSING)


# -- The whole of Aesara 2.9, from the generated table -----------------------

_ROOT = Path(__file__).resolve().parents[1]
_TABLE = json.loads((_ROOT / "tests/api_audit/aesara29_api.json").read_text())
_MODULES = _TABLE["modules"]
# Optional dependencies a module of the table may need; without them the
# module is skipped (the test extras install both).
_OPTIONAL = ("jax", "numba")


def _listed_names(module: str) -> set[str]:
    prefix = module + "."
    return {
        key[len(prefix) :]
        for key in api_exceptions.NAMES
        if key.startswith(prefix) and "." not in key[len(prefix) :]
    }


def _import_quietly(module: str):
    # Deprecated aliases warn on import, as Aesara's do.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return importlib.import_module(module)


def _has_name(module, module_name: str, name: str) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # deprecated names warn when read
        if hasattr(module, name):
            return True
    try:  # a submodule counts once imported, as in Aesara
        _import_quietly(f"{module_name}.{name}")
    except ImportError:
        return False
    return True


@pytest.mark.parametrize("module_name", sorted(_MODULES))
def test_aesara29_module_and_names(module_name):
    entry = _MODULES[module_name]
    if module_name in api_exceptions.MODULES:
        try:
            _import_quietly(module_name)
        except ImportError:
            return
        pytest.fail(
            f"{module_name} imports now: delete its entry from "
            "tests/api_audit/exceptions.py MODULES"
        )
    try:
        module = _import_quietly(module_name)
    except ModuleNotFoundError as err:
        if (err.name or "").split(".")[0] in _OPTIONAL:
            pytest.skip(f"{module_name} needs {err.name}, not installed")
        raise
    missing = {
        name
        for name in entry["names"] + entry["deprecated_names"]
        if not _has_name(module, module_name, name)
    }
    listed = _listed_names(module_name)
    unexplained = sorted(missing - listed)
    stale = sorted(listed - missing)
    assert not unexplained, (
        f"{module_name} lacks Aesara 2.9's names {unexplained}: add them, or "
        "list them with a reason in tests/api_audit/exceptions.py"
    )
    assert not stale, (
        f"{module_name} has {stale} now: delete their entries from "
        "tests/api_audit/exceptions.py"
    )


def test_api_exceptions_name_table_entries():
    kinds = set(api_exceptions.KINDS)
    for key, (kind, reason) in api_exceptions.NAMES.items():
        module, _, name = key.rpartition(".")
        assert module in _MODULES, f"{key}: {module} is not a module of Aesara 2.9"
        entry = _MODULES[module]
        assert name in entry["names"] + entry["deprecated_names"], (
            f"{key}: not a public name of {module} in the table"
        )
        assert module not in api_exceptions.MODULES, (
            f"{key}: its whole module is already listed as not importing"
        )
        assert kind in kinds and reason.strip(), key
    for module, (kind, reason) in api_exceptions.MODULES.items():
        assert module in _MODULES and kind in kinds and reason.strip(), module


def test_api_table_is_the_generated_one():
    # The checked-in table must stay what the generator wrote: sorted,
    # de-duplicated names, and every module of Aesara 2.9.4 (215 files).
    assert _TABLE["generator"] == "scripts/gen_api_table.py"
    assert len(_MODULES) == 215
    for module, entry in _MODULES.items():
        assert module == "aesara" or module.startswith("aesara."), module
        for field in ("names", "deprecated_names"):
            assert entry[field] == sorted(set(entry[field])), (module, field)
        assert not set(entry["names"]) & set(entry["deprecated_names"]), module


def _compat_doc_generator():
    spec = importlib.util.spec_from_file_location(
        "gen_compat_doc", _ROOT / "scripts" / "gen_compat_doc.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_compatibility_doc_module_table_is_current():
    gen = _compat_doc_generator()
    doc = (_ROOT / "docs" / "compatibility.md").read_text()
    assert gen.BEGIN in doc and gen.END in doc, "generated block missing"
    block = gen.render(gen.load_table(), api_exceptions)
    assert gen.replace_block(doc, block) == doc, (
        "docs/compatibility.md's module table is stale: run "
        "python scripts/gen_compat_doc.py"
    )


def test_compatibility_doc_counts_match_the_table():
    # The headline numbers come from the data, not from prose.
    gen = _compat_doc_generator()
    block = gen.render(gen.load_table(), api_exceptions)
    total = sum(len(e["names"]) + len(e["deprecated_names"]) for e in _MODULES.values())
    assert f"of {total} public names exist" in block
    importing = len(_MODULES) - len(api_exceptions.MODULES)
    assert f"{importing} of {len(_MODULES)} modules" in block
