"""JAX-mode rewrites of boolean-mask indexing (``aesara.tensor.rewriting.jax``)."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip(
    "jax", reason="the JAX-mode rewrites are checked under the JAX mode"
)

import aesara  # noqa: E402
import aesara.tensor as at  # noqa: E402
from aesara.tensor.subtensor_advanced import (  # noqa: E402
    AdvancedIncSubtensor,
    AdvancedSubtensor,
)
from tests.tensor.rewriting.rewrite_check import check_rewrite  # noqa: E402

XV = np.array([[1.0, -2.0], [3.0, -4.0]])


def _has(fg, cls) -> bool:
    return any(isinstance(n.op, cls) for n in fg.apply_nodes)


def test_sum_of_masked_values():
    x = at.matrix("x")
    check_rewrite(
        "jax_boolean_indexing_sum",
        [x],
        at.sum(x[x > 0]),
        [XV],
        mode="JAX",
        # JAX cannot run the unrewritten reference graph; the rewrites are
        # the same under the Python linker.
        linker="py",
        fires=lambda fg: not _has(fg, AdvancedSubtensor),
    )


@pytest.mark.parametrize("setting", [True, False])
def test_set_or_inc_masked_values(setting):
    x = at.matrix("x")
    fn = at.set_subtensor if setting else at.inc_subtensor
    check_rewrite(
        "jax_boolean_indexing_set_or_inc",
        [x],
        fn(x[x < 0], 10.0),
        [XV],
        mode="JAX",
        # JAX cannot run the unrewritten reference graph; the rewrites are
        # the same under the Python linker.
        linker="py",
        fires=lambda fg: not _has(fg, AdvancedIncSubtensor),
    )


def test_a_vector_of_new_values_is_left_to_jax():
    # x[mask] = v with one value per true entry cannot become a `where`.
    x = at.vector("x")
    v = at.vector("v")
    f = aesara.function([x, v], at.set_subtensor(x[x > 0], v), mode="JAX")
    assert _has(f.maker.fgraph, AdvancedIncSubtensor)


def test_other_modes_keep_the_indexing():
    x = at.matrix("x")
    f = aesara.function([x], at.sum(x[x > 0]))
    assert _has(f.maker.fgraph, AdvancedSubtensor)
    assert f(XV) == 4.0
