"""How long ``frontdesk --help`` takes, against a bare typer app measured in the same run.

The baseline is what any typer CLI pays (Python, typer, rich): a one-command app in a fresh
process. ``frontdesk --help`` and ``frontdesk --version`` each run ``--rounds`` times in fresh
processes, alternating with the baseline so a machine whose speed drifts slows both alike;
the medians and their ratio are printed:

    python bench/cli_startup.py --rounds 9
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

BASELINE = (
    "import typer\napp = typer.Typer()\n@app.command()\ndef hello(name: str = 'x') -> None:\n    'Say hello.'\n"
    "import sys; sys.argv = ['bare', '--help']\napp()"
)
FRONTDESK = "import sys; sys.argv = ['frontdesk'] + sys.argv[1:]\nfrom frontdesk.cli import main\nmain()"


def seconds(code: str, *args: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, *args], capture_output=True, check=False)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    rounds = parser.parse_args().rounds
    runs: dict[str, list[float]] = {"bare typer --help": [], "frontdesk --help": [], "frontdesk --version": []}
    for _ in range(rounds):
        runs["bare typer --help"].append(seconds(BASELINE))
        runs["frontdesk --help"].append(seconds(FRONTDESK, "--help"))
        runs["frontdesk --version"].append(seconds(FRONTDESK, "--version"))
    base = statistics.median(runs["bare typer --help"])
    for name, times in runs.items():
        median = statistics.median(times)
        print(f"{name:22} median {median:.3f} s  (x{median / base:.2f} the bare typer app), {rounds} fresh processes")


if __name__ == "__main__":
    main()
