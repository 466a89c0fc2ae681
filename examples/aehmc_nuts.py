"""A short NUTS run with AeHMC on a standard normal, compiled by aesara.

The target is a 5-dimensional standard normal, written as a random variable
whose log-density AePPL derives. AeHMC builds the NUTS transition as an
aesara graph (nested ``scan`` loops); ``aesara.scan`` repeats it for 2,000
steps, and one compiled function runs the whole chain. The sample mean and
variance after burn-in should be near 0 and 1. Needs ``aeppl`` and
``aehmc`` (``pip install --no-deps aeppl==0.1.5 aehmc==0.0.11``). Run::

    python examples/aehmc_nuts.py
"""

from __future__ import annotations

import numpy as np
from aehmc import nuts
from aeppl import joint_logprob

import aesara
import aesara.tensor as at

DIM = 5


def run_chain(n_steps: int = 2000, step_size: float = 0.7, seed: int = 0) -> np.ndarray:
    """The chain's positions, shape ``(n_steps, DIM)``."""
    srng = at.random.RandomStream(seed=seed)
    Y_rv = srng.normal(0.0, 1.0, size=(DIM,))

    def logprob_fn(y):
        return joint_logprob(realized={Y_rv: y})[0]

    kernel = nuts.new_kernel(srng, logprob_fn)
    q0 = Y_rv.clone()
    state = nuts.new_state(q0, logprob_fn)
    trajectory, updates = aesara.scan(
        kernel,
        outputs_info=[{"initial": s} for s in state] + [None] * 4,
        non_sequences=(at.as_tensor(step_size), at.ones(DIM)),
        n_steps=n_steps,
    )
    f = aesara.function([q0], trajectory[0], updates=updates)
    return f(np.full(DIM, 3.0))


def main() -> tuple[np.ndarray, np.ndarray]:
    samples = run_chain()[500:]
    mean, var = samples.mean(axis=0), samples.var(axis=0)
    print("sample mean:    ", np.round(mean, 3))
    print("sample variance:", np.round(var, 3))
    return mean, var


if __name__ == "__main__":
    main()
