"""Two populations of turns side by side, with a test that says which differences are real.

Rates are compared with Fisher's exact test on the 2×2 table of counts (exact at any
size, so a small A/B is judged fairly); per-turn quantities (latency, tokens, cost) with
the Mann-Whitney U test, which assumes no distribution (latencies are skewed). Looking at
many metrics at once invites false alarms, so the p-values are adjusted together
(Benjamini-Hochberg) before any is called real; and a metric with fewer than
``min_count`` observations on a side is reported but not judged.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from frontdesk.operations.population import Population
from frontdesk.operations.turns import turns

Kind = Literal["rate", "distribution"]

RATES: dict[str, tuple[str, str]] = {
    # metric: (SQL for successes, SQL for trials), summed over turns
    "handoff rate": ("CASE WHEN handed_off THEN 1 ELSE 0 END", "1"),
    "error rate": ("CASE WHEN errors > 0 THEN 1 ELSE 0 END", "1"),
    "grader pass rate": ("grades_passed", "grades_passed + grades_failed"),
    "tool error rate": ("tool_errors", "tool_calls"),
    "thumbs-up rate": ("CASE WHEN rating = 'up' THEN 1 ELSE 0 END", "CASE WHEN rating IS NULL THEN 0 ELSE 1 END"),
}
DISTRIBUTIONS = {"latency (s)": "latency_s", "tokens per turn": "tokens", "cost per turn (USD)": "cost_usd"}


@dataclass
class Difference:
    """One metric in both populations, and whether the difference is real."""

    metric: str
    kind: Kind
    a: float | None
    b: float | None
    n_a: int
    n_b: int
    difference: float | None
    p_value: float | None
    adjusted_p: float | None = None
    verdict: Literal["real", "could be chance", "too few"] = "too few"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Comparison:
    a: Population
    b: Population
    turns_a: int
    turns_b: int
    differences: list[Difference]
    alpha: float


def _rates(path: Path, population: Population) -> tuple[int, dict[str, tuple[int, int]], dict[str, list[float]]]:
    with turns(path, population) as db:
        sums = ", ".join(f"sum({success}), sum({trials})" for success, trials in RATES.values())
        row = db.execute(f"SELECT count(*), {sums} FROM turns").fetchone() or ()
        count = int(row[0] or 0) if row else 0
        rates = (
            {name: (int(row[1 + 2 * i] or 0), int(row[2 + 2 * i] or 0)) for i, name in enumerate(RATES)} if row else {}
        )
        values = {
            name: [float(v[0]) for v in db.execute(f"SELECT {column} FROM turns WHERE {column} IS NOT NULL").fetchall()]
            for name, column in DISTRIBUTIONS.items()
        }
    return count, rates, values


def compare(path: Path, a: Population, b: Population, *, alpha: float = 0.05, min_count: int = 10) -> Comparison:
    """Every metric for ``a`` and ``b``; ``verdict`` says which differences survive the adjusted test."""
    from scipy.stats import false_discovery_control, fisher_exact, mannwhitneyu  # noqa: PLC0415  # the optional dashboard extra

    count_a, rates_a, values_a = _rates(path, a)
    count_b, rates_b, values_b = _rates(path, b)
    differences: list[Difference] = []
    for name in RATES:
        (hits_a, n_a), (hits_b, n_b) = rates_a[name], rates_b[name]
        share_a = hits_a / n_a if n_a else None
        share_b = hits_b / n_b if n_b else None
        p = None
        if n_a >= min_count and n_b >= min_count:
            p = float(fisher_exact([[hits_a, n_a - hits_a], [hits_b, n_b - hits_b]]).pvalue)
        diff = None if share_a is None or share_b is None else share_b - share_a
        differences.append(Difference(name, "rate", share_a, share_b, n_a, n_b, diff, p))
    for name in DISTRIBUTIONS:
        xs, ys = values_a[name], values_b[name]
        median_a, median_b = _median(xs), _median(ys)
        p = None
        if len(xs) >= min_count and len(ys) >= min_count and (set(xs) | set(ys)) != {xs[0]}:
            p = float(mannwhitneyu(xs, ys, alternative="two-sided").pvalue)
        diff = None if median_a is None or median_b is None else median_b - median_a
        differences.append(Difference(name, "distribution", median_a, median_b, len(xs), len(ys), diff, p))
    tested = [d for d in differences if d.p_value is not None]
    if tested:
        adjusted = false_discovery_control([d.p_value for d in tested], method="bh")
        for difference, q in zip(tested, adjusted, strict=True):
            difference.adjusted_p = float(q)
            difference.verdict = "real" if q < alpha else "could be chance"
    return Comparison(a, b, count_a, count_b, differences, alpha)


def _median(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
