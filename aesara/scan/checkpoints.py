"""``scan_checkpoints``: a loop that keeps one state in every ``N`` steps.

The steps are grouped in chunks of ``save_every_N``: an outer loop runs over
the chunks and, inside, an inner loop runs the chunk's steps and returns only
its last state. The forward pass stores ``n_steps / N`` states instead of
``n_steps``; the gradient recomputes each chunk's steps from its checkpoint
(the backward loop of the inner loop), trading time for memory.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aesara.scan.basic import scan

__all__ = ["scan_checkpoints"]


def _as_list(x: Any) -> list:
    if x is None:
        return []
    return list(x) if isinstance(x, (list, tuple)) else [x]


def scan_checkpoints(
    fn: Callable,
    sequences: Any = None,
    outputs_info: Any = None,
    non_sequences: Any = None,
    name: str = "checkpointscan_fn",
    n_steps: Any = None,
    save_every_N: int = 10,
    padding: bool = True,
):
    """Like :func:`~aesara.scan.basic.scan`, storing the states every ``save_every_N`` steps.

    Parameters
    ----------
    fn, sequences, outputs_info, non_sequences, n_steps, name
        As for :func:`~aesara.scan.basic.scan`; sequences and outputs take no
        taps (``fn`` receives the sequences' current values, the previous
        states, then the non-sequences).
    save_every_N
        Number of steps between two stored states.
    padding
        Pad the sequences with zeros to a multiple of ``save_every_N`` steps
        (the padded steps are not run). Without padding, every sequence must
        already have a multiple of ``save_every_N`` entries.

    Returns
    -------
    outputs, updates
        Each output holds its value at steps ``N, 2N, ...`` and at the last
        step (``ceil(n_steps / N)`` entries), and the updates.
    """
    import aesara.tensor as at
    from aesara.tensor.math import ceil_intdiv

    if not isinstance(save_every_N, int) or save_every_N < 1:
        raise ValueError(
            f"scan_checkpoints: save_every_N must be a positive int, got {save_every_N!r}"
        )
    seqs = [at.as_tensor_variable(s) for s in _as_list(sequences)]
    outs_info = (
        list(outputs_info)
        if isinstance(outputs_info, (list, tuple))
        else [outputs_info]
    )
    for k, o in enumerate(outs_info):
        if isinstance(o, dict) and "taps" in o:
            raise RuntimeError(
                f"scan_checkpoints: outputs_info[{k}] has taps; checkpointed loops take "
                "the previous step only"
            )
    for k, s in enumerate(_as_list(sequences)):
        if isinstance(s, dict):
            raise ValueError(
                f"scan_checkpoints: sequences[{k}] is a dict; checkpointed loops take no "
                "sequence taps"
            )
    non_seqs = _as_list(non_sequences)
    N = save_every_N
    if n_steps is None:
        if not seqs:
            raise ValueError("scan_checkpoints: give n_steps or at least one sequence")
        total = seqs[0].shape[0]
        for s in seqs[1:]:
            total = at.minimum(total, s.shape[0])
    else:
        total = at.as_tensor_variable(n_steps)
    total = at.cast(total, "int64")
    n_chunks = ceil_intdiv(total, N)
    # Steps in each chunk: N, except the last (total - N * (n_chunks - 1)).
    chunk_steps = at.fill(at.zeros((n_chunks,), dtype="int64"), N)
    last = total - N * (n_chunks - 1)
    chunk_steps = at.set_subtensor(chunk_steps[-1:], at.shape_padleft(last))
    chunked = []
    for s in seqs:
        s = s[:total]
        if padding:
            pad = (-total) % N
            zeros = at.zeros((pad,) + tuple(s.shape[1:]), dtype=s.dtype)
            s = at.concatenate([s, zeros], axis=0)
        shape = [n_chunks, N] + [s.shape[i] for i in range(1, s.ndim)]
        chunked.append(s.reshape(shape, ndim=s.ndim + 1))
    n_seq = len(chunked)
    n_ns = len(non_seqs)

    def outer_step(*args):
        chunk_seqs = list(args[:n_seq])
        steps = args[n_seq]
        prev = iter(args[n_seq + 1 : len(args) - n_ns])
        ns = list(args[len(args) - n_ns :])
        # Outputs without an initial state stay so in each chunk.
        inner_info = [None if o is None else next(prev) for o in outs_info]
        res, upd = scan(
            fn,
            sequences=chunk_seqs,
            outputs_info=inner_info,
            non_sequences=ns,
            n_steps=steps,
            name=f"{name}_inner",
            return_list=True,
        )
        return [r[-1] for r in res], upd

    results, updates = scan(
        outer_step,
        sequences=chunked + [chunk_steps],
        outputs_info=outs_info,
        non_sequences=non_seqs,
        name=name,
        n_steps=n_chunks,
    )
    return results, updates
