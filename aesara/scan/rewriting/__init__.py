"""Rewrites of Scan nodes, registered in the standard pipeline (``optdb``).

The databases, as in Aesara:

* ``scan_eqopt1`` (``optdb`` position 0.05): ``scan_seqopt1``, which pushes
  work out of loops (loop-invariant computations on non-sequences, element-wise
  work on whole sequences, dot accumulations) and removes constant and unused
  inputs (:mod:`.pushout`, :mod:`.cleanup`);
* ``scan_eqopt2`` (position 1.6): merging loops and their inputs/outputs
  (:mod:`.merge`), cleanup again;
* ``scan_save_mem`` (position 1.61): keep only the steps of a state that are
  used (:mod:`.memory`);
* ``scan_make_inplace`` (position 75.0, in the in-place stage): write the
  states into the outer buffers (:mod:`.inplace`).

The inner graph itself is rewritten by the full pipeline when it is compiled.
"""

from __future__ import annotations

from aesara.compile import optdb
from aesara.graph.rewriting.db import EquilibriumDB, SequenceDB

scan_eqopt1 = EquilibriumDB()
scan_seqopt1 = SequenceDB()
scan_eqopt2 = EquilibriumDB()

optdb.register("scan_eqopt1", scan_eqopt1, "fast_run", "scan", position=0.05)
optdb.register("scan_eqopt2", scan_eqopt2, "fast_run", "scan", position=1.6)
scan_eqopt1.register("all_pushout_opt", scan_seqopt1, "fast_run", "scan")

# The rewrites register themselves in the databases above when imported.
from aesara.scan.rewriting import cleanup, inplace, memory, merge, pushout  # noqa: E402, F401

__all__ = ["scan_eqopt1", "scan_eqopt2", "scan_seqopt1"]
