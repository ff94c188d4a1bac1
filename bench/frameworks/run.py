"""The cross-framework benchmark (frontdesk, bare LangGraph, AutoGen, CrewAI) from a checkout.

A thin wrapper around ``frontdesk bench`` (src/frontdesk/cli/bench.py), so it runs like
the other scripts in bench/ and takes the same options:

    python bench/frameworks/run.py [--repeat 10] [--latency-ms 0,50] [--concurrency 100,1000] [--out bench/results]
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from frontdesk.cli.bench import bench


def main() -> None:
    typer.run(bench)


if __name__ == "__main__":
    main()
