"""The log-density of a hierarchical normal model, derived by AePPL.

The model (eight groups, a few observations each)::

    mu      ~ Normal(0, 5)
    tau     ~ HalfNormal(2)
    theta_j ~ Normal(mu, tau)            j = 1..8
    y_jk    ~ Normal(theta_j, 1)         the observations

AePPL turns the random-variable graph into the graph of its joint
log-density; aesara compiles that graph, and the value is compared with the
same density written out with SciPy. Needs ``aeppl`` (``pip install --no-deps
aeppl==0.1.5``). Run::

    python examples/aeppl_hierarchical.py
"""

from __future__ import annotations

import numpy as np
import scipy.stats as st
from aeppl import joint_logprob

import aesara
import aesara.tensor as at


def model_logp():
    """Compile the model's joint log-density; returns (function, data)."""
    rng = np.random.default_rng(42)
    n_groups, n_obs = 8, 5
    group = np.repeat(np.arange(n_groups), n_obs)
    y_obs = rng.normal(size=n_groups * n_obs) + np.repeat(
        rng.normal(2.0, 1.5, size=n_groups), n_obs
    )

    srng = at.random.RandomStream(seed=0)
    mu = srng.normal(0.0, 5.0, name="mu")
    tau = srng.halfnormal(0.0, 2.0, name="tau")
    theta = srng.normal(mu, tau, size=(n_groups,), name="theta")
    y = srng.normal(theta[group], 1.0, name="y")

    mu_v, tau_v, theta_v = mu.clone(), tau.clone(), theta.clone()
    logp, _ = joint_logprob(
        realized={mu: mu_v, tau: tau_v, theta: theta_v, y: at.as_tensor(y_obs)}
    )
    f = aesara.function([mu_v, tau_v, theta_v], logp)
    return f, group, y_obs


def scipy_logp(mu, tau, theta, group, y_obs):
    """The same density, term by term, with SciPy."""
    return (
        st.norm(0.0, 5.0).logpdf(mu)
        + st.halfnorm(0.0, 2.0).logpdf(tau)
        + st.norm(mu, tau).logpdf(theta).sum()
        + st.norm(theta[group], 1.0).logpdf(y_obs).sum()
    )


def main() -> float:
    f, group, y_obs = model_logp()
    worst = 0.0
    rng = np.random.default_rng(1)
    for _ in range(5):
        mu, tau = rng.normal(2.0, 1.0), rng.gamma(2.0, 1.0)
        theta = rng.normal(mu, tau, size=8)
        ours = float(f(mu, tau, theta))
        ref = scipy_logp(mu, tau, theta, group, y_obs)
        worst = max(worst, abs(ours - ref))
        print(f"mu={mu:+.3f} tau={tau:.3f}: aesara {ours:.6f}  scipy {ref:.6f}")
    print(f"largest difference: {worst:.2e}")
    return worst


if __name__ == "__main__":
    main()
