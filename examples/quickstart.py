"""aesara quick start: build graphs, compile them, use shared state.

Run with ``python examples/quickstart.py``.
"""

import numpy as np

import aesara
from aesara import tensor as at
from aesara.printing import debugprint

# 1. The smallest program: add two scalars.
a = at.dscalar("a")
b = at.dscalar("b")
f = aesara.function([a, b], a + b)
assert 4.0 == f(1.5, 2.5)
print("f(1.5, 2.5) =", f(1.5, 2.5))

# 2. Element-wise expressions over arrays, with broadcasting.
x = at.dmatrix("x")
v = at.dvector("v")
expr = at.exp(x) * v + at.sum(x, axis=1, keepdims=True)
g = aesara.function([x, v], expr)
xv = np.arange(6.0).reshape(2, 3) / 6
vv = np.array([1.0, 2.0, 3.0])
print("exp(x) * v + x.sum(1, keepdims=True) =\n", g(xv, vv))
np.testing.assert_allclose(g(xv, vv), np.exp(xv) * vv + xv.sum(1, keepdims=True))

# 3. Shared variables and updates: a counter and a running mean.
count = aesara.shared(0, name="count")
total = aesara.shared(np.zeros(3), name="total")
obs = at.dvector("obs")
step = aesara.function(
    [obs],
    (total + obs) / (count + 1),
    updates=[(count, count + 1), (total, total + obs)],
)
for sample in ([1.0, 2.0, 3.0], [3.0, 2.0, 1.0], [2.0, 2.0, 2.0]):
    running_mean = step(np.array(sample))
print("calls:", count.get_value(), "running mean:", running_mean)
assert count.get_value() == 3
np.testing.assert_allclose(running_mean, [2.0, 2.0, 2.0])

# 4. Look at what was compiled.
print("\nThe compiled graph of the running-mean step:")
debugprint(step)

# 5. Gradients: fit a least-squares line by gradient descent.
rng = np.random.default_rng(0)
X_data = np.column_stack([np.ones(50), rng.normal(size=(50, 2))])
y_data = X_data @ np.array([0.5, -1.0, 2.0]) + 0.1 * rng.normal(size=50)
X = at.dmatrix("X")
y = at.dvector("y")
w = aesara.shared(np.zeros(3), name="w")
mse = ((at.dot(X, w) - y) ** 2).mean()
g_w = aesara.grad(mse, w)
train = aesara.function([X, y], mse, updates=[(w, w - 0.3 * g_w)])
for _ in range(300):
    train(X_data, y_data)
w_lstsq = np.linalg.lstsq(X_data, y_data, rcond=None)[0]
print("\nleast squares by gradient descent:", w.get_value())
print("numpy.linalg.lstsq:                ", w_lstsq)
np.testing.assert_allclose(w.get_value(), w_lstsq, rtol=0, atol=1e-6)
