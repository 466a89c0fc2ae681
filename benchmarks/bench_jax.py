"""The JAX backend (``mode="JAX"``) next to hand-written ``jax.jit`` code.

Three workloads, each computed by

* ``aesara JAX``: ``aesara.function(..., mode="JAX")`` (outputs come back as
  NumPy arrays);
* ``hand-written jax``: ``jax.jit`` of the same math, its result converted
  with ``np.asarray`` (what ``aesara.function`` returns, so the two do the
  same work);
* ``pytensor JAX``: PyTensor's JAX mode, where PyTensor is installed;

and timed in interleaved rounds (medians). The workloads:

1. ``exp(x)*sin(y)+log1p(z**2)-tanh(x*y)`` on three float64 vectors
   (10^7 elements by default; ``--size`` for a smaller run);
2. the gradient of a logistic-regression loss, X 1000x100;
3. 100 steps of ``h = tanh(W @ h)``, W 100x100 (``scan`` -> ``lax.scan``;
   hand-written: ``lax.fori_loop``).

Compile time is the time of building the function plus its first call,
minus the median time of a call, in this process (the median of
``--compile-rounds`` compiles, the implementations' order rotating); the element-wise
workload's is taken on 10^3-element vectors (compiling does not depend on
the size, running does) (JAX keeps no compiled code between
distinct functions unless its persistent cache is on, so each compile is a
full trace and XLA compile). Run::

    python benchmarks/bench_jax.py [--size N] [--rounds R] [--compile-rounds C]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benchmarks._results import record  # noqa: E402


def interleaved_medians_ms(fns: dict, rounds: int, number: dict) -> dict:
    """Median time per call (ms) of each callable, timed in alternating rounds."""
    samples: dict = {k: [] for k in fns}
    for _ in range(rounds):
        for k, fn in fns.items():
            fn()
            t0 = time.perf_counter()
            for _ in range(number[k]):
                fn()
            samples[k].append((time.perf_counter() - t0) / number[k] * 1e3)
    return {k: statistics.median(v) for k, v in samples.items()}


def build_and_first_call_s(build, args) -> float:
    """Seconds to build ``build()`` and make its first call."""
    t0 = time.perf_counter()
    fn = build()
    fn(*args)
    return time.perf_counter() - t0


# -- the workloads, in each library ---------------------------------------------------


def elemwise_expr(lib, x, y, z):
    return lib.exp(x) * lib.sin(y) + lib.log1p(z**2) - lib.tanh(x * y)


def logreg_loss(lib, X, y, w):
    p = lib.sigmoid(X @ w)
    return -lib.sum(y * lib.log(p) + (1 - y) * lib.log(1 - p))


def symbolic_builders(lib, lib_name, mode):
    """``{workload: build()}`` for aesara or pytensor in ``mode``."""

    def elemwise():
        x, y, z = lib.dvectors("x", "y", "z")
        return lib_name.function([x, y, z], elemwise_expr(lib, x, y, z), mode=mode)

    def logreg():
        X, y, w = lib.dmatrix("X"), lib.dvector("y"), lib.dvector("w")
        loss = logreg_loss(lib, X, y, w)
        return lib_name.function([X, y, w], lib_name.grad(loss, w), mode=mode)

    def scan():
        W, h0 = lib.dmatrix("W"), lib.dvector("h0")
        hs, _ = lib_name.scan(
            lambda h, W: lib.tanh(W @ h),
            outputs_info=[h0],
            non_sequences=[W],
            n_steps=100,
        )
        return lib_name.function([W, h0], hs[-1], mode=mode)

    return {"elemwise": elemwise, "logreg": logreg, "scan": scan}


def jax_builders():
    import jax
    import jax.numpy as jnp

    def elemwise():
        f = jax.jit(lambda x, y, z: elemwise_expr(jnp, x, y, z))
        return lambda *a: np.asarray(f(*a))

    def logreg():
        from types import SimpleNamespace

        ops = SimpleNamespace(sigmoid=jax.nn.sigmoid, sum=jnp.sum, log=jnp.log)
        g = jax.jit(jax.grad(lambda X, y, w: logreg_loss(ops, X, y, w), argnums=2))
        return lambda *a: np.asarray(g(*a))

    def scan():
        def run(W, h0):
            return jax.lax.fori_loop(0, 100, lambda i, h: jnp.tanh(W @ h), h0)

        f = jax.jit(run)
        return lambda *a: np.asarray(f(*a))

    return {"elemwise": elemwise, "logreg": logreg, "scan": scan}


def _pytensor_builders():
    try:
        import pytensor
        import pytensor.tensor as pt
    except ImportError:
        return None
    builders = symbolic_builders(pt, pytensor, "JAX")

    def as_numpy(build):
        # PyTensor's JAX mode returns JAX arrays (computed asynchronously):
        # convert them as aesara does, so that the work is timed.
        def built():
            f = build()
            return lambda *a: np.asarray(f(*a))

        return built

    return {k: as_numpy(b) for k, b in builders.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=10**7)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--compile-rounds", type=int, default=5)
    opts = parser.parse_args()

    import jax

    jax.config.update("jax_enable_x64", True)
    import aesara
    import aesara.tensor as at

    # Warm JAX and both front ends up on another graph, so that the compile
    # times below are those of a process already compiling.
    w = at.dvector("w")
    aesara.function([w], at.exp(w).sum(), mode="JAX")(np.ones(3))
    jax.jit(lambda v: v.sum())(np.ones(3))

    rng = np.random.default_rng(0)
    n = opts.size
    X = rng.normal(size=(1000, 100))
    args = {
        "elemwise": tuple(rng.normal(size=n) for _ in range(3)),
        "elemwise_small": tuple(rng.normal(size=1000) for _ in range(3)),
        "logreg": (
            X,
            (rng.random(1000) < 0.5).astype("float64"),
            rng.normal(size=100) * 0.1,
        ),
        "scan": (rng.normal(size=(100, 100)) / 10, rng.normal(size=100)),
    }
    number = {"elemwise": 2 if n >= 10**6 else 50, "logreg": 200, "scan": 200}
    impls = {
        "aesara JAX": symbolic_builders(at, aesara, "JAX"),
        "hand-written jax": jax_builders(),
    }
    py = _pytensor_builders()
    if py is None:
        print("(pytensor not installed: its JAX mode is skipped)")
    else:
        impls["pytensor JAX"] = py

    labels = {
        "elemwise": f"exp(x)*sin(y)+log1p(z**2)-tanh(x*y), 3 x {n:.0e} float64",
        "logreg": "logistic-regression gradient, X 1000x100",
        "scan": "scan: 100 steps of tanh(W @ h), W 100x100",
    }
    record_names = {
        "elemwise": f"J1 jax fused elemwise 3x{n:.0e}".replace("+0", ""),
        "logreg": "J2 jax logreg gradient 1000x100",
        "scan": "J3 jax scan 100 steps 100x100",
    }
    print(
        f"{'workload / implementation':<46} {'run ms':>9} {'x jax':>7} {'compile s':>10} {'x jax':>7}"
    )
    for work in ("elemwise", "logreg", "scan"):
        a = args[work]
        compile_args = args["elemwise_small"] if work == "elemwise" else a
        # Each implementation compiles ``--compile-rounds`` times, the order
        # rotating from round to round: the first compile of a workload in
        # the process also fills JAX's per-primitive lowering caches, which
        # would otherwise count against whichever implementation goes first.
        names = list(impls)
        samples: dict = {name: [] for name in names}
        for r in range(opts.compile_rounds):
            for name in names[r % len(names) :] + names[: r % len(names)]:
                samples[name].append(
                    build_and_first_call_s(impls[name][work], compile_args)
                )
        compile_s = {name: statistics.median(v) for name, v in samples.items()}
        compiled = {name: impls[name][work]() for name in names}
        ref = np.asarray(compiled["hand-written jax"](*a))
        for fn in compiled.values():
            np.testing.assert_allclose(np.asarray(fn(*a)), ref, rtol=1e-9, atol=1e-9)
        times = interleaved_medians_ms(
            {k: (lambda fn=fn, a=a: fn(*a)) for k, fn in compiled.items()},
            opts.rounds,
            {k: number[work] for k in compiled},
        )
        call_ms = times
        if work == "elemwise":
            call_ms = interleaved_medians_ms(
                {
                    k: (lambda fn=fn, ca=compile_args: fn(*ca))
                    for k, fn in compiled.items()
                },
                3,
                {k: 20 for k in compiled},
            )
        for name in compiled:
            compile_s[name] = max(compile_s[name] - call_ms[name] / 1e3, 1e-6)
        print(labels[work])
        base_t, base_c = times["hand-written jax"], compile_s["hand-written jax"]
        for name in compiled:
            print(
                f"  {name:<44} {times[name]:>9.3f} {times[name] / base_t:>7.2f} "
                f"{compile_s[name]:>10.3f} {compile_s[name] / base_c:>7.2f}"
            )
            # Recorded under the summary's names: "aesara" is aesara's JAX
            # mode, "jax" the hand-written code, "pytensor" PyTensor's JAX mode.
            impl = {"aesara JAX": "aesara", "hand-written jax": "jax"}.get(
                name, "pytensor"
            )
            record(record_names[work], impl, "time per call", times[name], "ms")
            record(record_names[work], impl, "compile", compile_s[name], "s")


if __name__ == "__main__":
    main()
