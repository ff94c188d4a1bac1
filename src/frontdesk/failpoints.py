"""Named points where a crash test can stop a process, so it is killed at an exact step.

Crash safety is promised at specific moments — inside a write's transaction, right after
its commit — and a random kill rarely lands there. ``FRONTDESK_FAILPOINTS`` (comma-separated
names) arms points; an armed point writes ``<name>.hit`` (holding the process id) into
``FRONTDESK_FAILPOINT_DIR`` and then waits there for ever, for the test to SIGKILL it.
Unarmed — always, outside tests — a failpoint costs one set lookup.

Points: ``write.in_transaction`` (a WRITE's changes and idempotency row flushed, not
committed) and ``write.committed`` (committed, the graph's checkpoint not yet written).
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from frontdesk.config import environment

ARMED = frozenset(name.strip() for name in (environment.read("FRONTDESK_FAILPOINTS") or "").split(",") if name.strip())


def failpoint(name: str) -> None:
    """Stop here for good if ``name`` is armed (see the module docstring)."""
    if name not in ARMED:
        return
    folder = Path(environment.read("FRONTDESK_FAILPOINT_DIR") or tempfile.gettempdir())
    (folder / f"{name}.hit").write_text(str(os.getpid()), encoding="utf-8")
    while True:
        time.sleep(60)
