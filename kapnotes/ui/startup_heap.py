"""Collect what start-up left behind while the window sits idle, then set its heap aside.

Python's cyclic collector makes a full pass once the objects that survived since the last full
pass number a quarter of those it kept then. Start-up leaves some 50,000 long-lived objects
(modules, classes, Qt wrappers), so that pass fell due during the first thing a therapist did
after unlocking, the first client open, and cost it 16-60 ms (docs/BENCHMARKS.md). Run here,
in the idle moment after the window has painted, the pass costs nobody a wait; `gc.freeze`
then moves the survivors (which live as long as the window) out of every later pass, so the
collector only walks what the working session makes.

The price: a frozen object that later becomes part of unreachable cycles is not reclaimed.
What start-up built lives until the process ends, except a workspace replaced by a restore
(rare, and small beside the window it leaves running).
"""

from __future__ import annotations

import gc

_settled = False


def settle_startup_heap() -> None:
    """Once per process: a full collection now, and the survivors kept out of later ones."""
    global _settled
    if _settled:
        return
    _settled = True
    gc.collect()
    gc.freeze()
