"""The terminal every frontdesk command writes to (stdout and stderr consoles).

A leaf module so that library code showing progress (the local model's assembly, replay's
bar) prints where the CLI prints without importing the CLI.
"""

from __future__ import annotations

from rich.console import Console

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)
