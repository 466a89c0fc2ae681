"""AeHMC's NUTS kernel on aesara, next to BlackJAX's NUTS (JAX), in one run.

The target is a 10-dimensional standard normal. For each library, in fresh
processes:

* compile time with an empty cache ("cold") and with the cache an earlier
  process filled ("warm"): building the kernel's graph, ``aesara.function``
  (``jax.jit`` for BlackJAX) and the first step, minus a later step;
* the time of one NUTS step (step size 0.5, unit inverse mass matrix), the
  median over many steps of a chain (each call advances the chain, as a
  sampler runs it).

AeHMC and AePPL must be importable (``pip install --no-deps aeppl==0.1.5
aehmc==0.0.11``), BlackJAX for its column; a library that is missing is
skipped with a note. Each library's cache lives in a private temporary
directory. Run::

    python benchmarks/bench_nuts.py [--repeat N] [--steps N]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)

DIM = 10
STEP_SIZE = 0.5
LIBS = ("aehmc", "blackjax")


def _aehmc(steps: int) -> dict:
    t0 = time.perf_counter()
    import numpy as np
    from aehmc import nuts
    from aeppl import joint_logprob

    import aesara
    import aesara.tensor as at

    t_import = time.perf_counter() - t0
    t1 = time.perf_counter()
    srng = at.random.RandomStream(seed=0)
    Y_rv = srng.normal(0, 1, size=(DIM,))

    def logprob_fn(y):
        return joint_logprob(realized={Y_rv: y})[0]

    kernel = nuts.new_kernel(srng, logprob_fn)
    q = Y_rv.clone()
    q.name = "q"
    state = nuts.new_state(q, logprob_fn)
    step_size = at.dscalar("step_size")
    imm = at.dvector("inverse_mass_matrix")
    outs, updates = kernel(*state, step_size, imm)
    f = aesara.function([q, step_size, imm], outs[:3], updates=updates)
    q0 = np.zeros(DIM)
    ones = np.ones(DIM)
    f(q0, STEP_SIZE, ones)
    t2 = time.perf_counter()
    f(q0, STEP_SIZE, ones)
    t3 = time.perf_counter()
    times = []
    x = q0
    for _ in range(steps):
        s = time.perf_counter()
        x = f(x, STEP_SIZE, ones)[0]
        times.append(time.perf_counter() - s)
    return {
        "import": t_import,
        "compile": (t2 - t1) - (t3 - t2),
        "step": statistics.median(times),
        "mean": float(np.mean(x)),
    }


def _blackjax(steps: int, cache_dir: str) -> dict:
    t0 = time.perf_counter()
    import blackjax
    import jax
    import jax.numpy as jnp

    t_import = time.perf_counter() - t0
    jax.config.update("jax_enable_x64", True)
    jax.config.update("jax_compilation_cache_dir", cache_dir)
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0)
    jax.config.update("jax_persistent_cache_min_entry_size_bytes", 0)
    t1 = time.perf_counter()

    def logdensity(x):
        return -0.5 * jnp.sum(x**2)

    sampler = blackjax.nuts(
        logdensity, step_size=STEP_SIZE, inverse_mass_matrix=jnp.ones(DIM)
    )
    step = jax.jit(sampler.step)
    state = sampler.init(jnp.zeros(DIM))
    keys = jax.random.split(jax.random.key(0), steps + 2)
    s1, _ = step(keys[0], state)
    jax.block_until_ready(s1)
    t2 = time.perf_counter()
    s2, _ = step(keys[1], state)
    jax.block_until_ready(s2)
    t3 = time.perf_counter()
    times = []
    for k in keys[2:]:
        s = time.perf_counter()
        state, _ = step(k, state)
        jax.block_until_ready(state)
        times.append(time.perf_counter() - s)
    return {
        "import": t_import,
        "compile": (t2 - t1) - (t3 - t2),
        "step": statistics.median(times),
    }


def child(lib: str, cache_dir: str, steps: int) -> dict:
    if lib == "aehmc":
        return _aehmc(steps)
    return _blackjax(steps, cache_dir)


def _env(lib: str, cache_dir: str, pyc: str) -> dict:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = pyc
    env["PYTHONPATH"] = REPO + os.pathsep + env.get("PYTHONPATH", "")
    if lib == "aehmc":
        env["AESARA_FLAGS"] = f"compiledir={cache_dir}"
    return env


def run_child(lib: str, cache_dir: str, pyc: str, steps: int) -> dict | None:
    proc = subprocess.run(
        [
            sys.executable,
            os.path.abspath(__file__),
            "--child",
            lib,
            cache_dir,
            str(steps),
        ],
        capture_output=True,
        text=True,
        env=_env(lib, cache_dir, pyc),
        timeout=1200,
    )
    if proc.returncode != 0:
        if "ModuleNotFoundError" in proc.stderr:
            return None
        raise RuntimeError(f"{lib} child failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def measure(lib: str, repeat: int, steps: int, tmp: str, pyc: str) -> dict | None:
    cold, warm, step = [], [], []
    for i in range(repeat):
        d = os.path.join(tmp, f"{lib}-cold{i}")
        r = run_child(lib, d, pyc, steps)
        if r is None:
            return None
        cold.append(r["compile"])
        step.append(r["step"])
        shutil.rmtree(d, ignore_errors=True)
    d = os.path.join(tmp, f"{lib}-warm")
    run_child(lib, d, pyc, 10)  # fills the cache
    for _ in range(repeat):
        r = run_child(lib, d, pyc, steps)
        warm.append(r["compile"])
        step.append(r["step"])
    return {
        "cold": statistics.median(cold),
        "warm": statistics.median(warm),
        "step_ms": statistics.median(step) * 1e3,
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--steps", type=int, default=300)
    p.add_argument("--child", nargs=3, metavar=("LIB", "CACHE", "STEPS"))
    a = p.parse_args()
    if a.child:
        lib, cache, steps = a.child
        print(json.dumps(child(lib, cache, int(steps))))
        return
    tmp = tempfile.mkdtemp(prefix="bench_nuts_")
    pyc = os.path.join(tmp, "pycache")
    try:
        res = {lib: measure(lib, a.repeat, a.steps, tmp, pyc) for lib in LIBS}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"NUTS on a {DIM}-d standard normal; fresh processes, medians of {a.repeat}")
    print(f"{'library':10} {'cold s':>8} {'warm s':>8} {'step ms':>8}")
    for lib, r in res.items():
        if r is None:
            print(f"note: {lib} is not installed: skipped")
            continue
        print(f"{lib:10} {r['cold']:8.3f} {r['warm']:8.3f} {r['step_ms']:8.3f}")
    ae, bj = res.get("aehmc"), res.get("blackjax")
    if ae and bj:
        print(
            "aehmc / blackjax: cold {:.2f}x, warm {:.2f}x, step {:.2f}x".format(
                ae["cold"] / bj["cold"],
                ae["warm"] / bj["warm"],
                ae["step_ms"] / bj["step_ms"],
            )
        )


if __name__ == "__main__":
    main()
