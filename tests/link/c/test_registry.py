"""The C translation registry's helpers."""

from __future__ import annotations

import threading

import pytest

from aesara.link.c.registry import run_in_threads


def test_run_in_threads_keeps_order():
    def square(x):
        return x * x

    assert run_in_threads(square, range(20), max_workers=4) == [
        x * x for x in range(20)
    ]
    assert run_in_threads(square, [], max_workers=4) == []
    assert run_in_threads(square, [3], max_workers=4) == [9]


def test_run_in_threads_tries_every_item_then_raises_the_error():
    done = []

    def work(x):
        if x == 2:
            raise ValueError("item 2 failed")
        done.append(x)
        return x

    with pytest.raises(ValueError, match="item 2 failed"):
        run_in_threads(work, range(6), max_workers=3)
    assert sorted(done) == [0, 1, 3, 4, 5]


def test_run_in_threads_runs_concurrently():
    barrier = threading.Barrier(3, timeout=30)

    def meet(_):
        # Fails with BrokenBarrierError unless three calls run at once.
        barrier.wait()
        return True

    assert run_in_threads(meet, range(3), max_workers=3) == [True] * 3
