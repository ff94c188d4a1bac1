"""The terminal every frontdesk command writes to (stdout and stderr consoles).

A leaf module so that library code showing progress (the local model's assembly, replay's
bar) prints where the CLI prints without importing the CLI.
"""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.table import Table

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

RIGHT_ALIGNED = frozenset(
    {
        "turns",
        "tool calls",
        "handoffs",
        "time",
        "calls",
        "trips",
        "value",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "errors",
        "cost USD",
    }
)


def fitting_table(*columns: str, title: str | None = None) -> Table:
    """A table that fits the terminal (80 columns too): light borders, long cells wrap instead of ending in "…"."""
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, title=title)
    for name in columns:
        table.add_column(name, overflow="fold", justify="right" if name in RIGHT_ALIGNED else "left")
    return table
