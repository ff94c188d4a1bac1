"""How fast the dashboard answers on a big span store.

Generates a span store of N turns (default 100,000; seven spans each, shaped like the
support graph's: turn, router, agent, model call with tokens and cost, tool call, grader
with its verdict, handoffs with their cause, some customer ratings) straight in DuckDB,
then times what a page view does: the per-turn rollup, every chart's and table's query,
and the HTML. Prints each step and the total; the target is under 1 s.

    python bench/dashboard.py [--turns 100000] [--keep traces.duckdb]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import duckdb  # noqa: E402

from frontdesk.operations.dashboard import render_dashboard  # noqa: E402
from frontdesk.operations.panels import build_panels  # noqa: E402
from frontdesk.operations.population import Population  # noqa: E402
from frontdesk.operations.turns import turns  # noqa: E402
from frontdesk.tracing.duckdb_exporter import SCHEMA  # noqa: E402

SPANS_SQL = """
INSERT INTO spans
WITH t AS (
    SELECT i, printf('%032x', i) AS trace_id, 'bench-thread-' || (i // 4) AS thread_id,
           TIMESTAMP '2026-11-01 00:00:00' + to_seconds(i * (30.0 * 86400 / {turns})) AS started,
           CASE WHEN i % 3 = 0 THEN 'gpt-4o-mini' WHEN i % 3 = 1 THEN 'gpt-4o' ELSE 'local' END AS model,
           CAST((400 + (i * 7919) % 6000) * (1.3 + 0.5 * sin(i / 9000.0)) AS INTEGER) AS turn_ms
    FROM range({turns}) AS r(i)
),
kinds AS (SELECT * FROM (VALUES (0, 'frontdesk.turn'), (1, 'node router'), (2, 'invoke_agent customer_service'),
                                 (3, 'chat'), (4, 'execute_tool get_order_details'), (5, 'node grader'), (6,
                                     'frontdesk.feedback')) AS k(k, name))
SELECT trace_id, printf('%016x', i * 8 + k), CASE WHEN k = 0 THEN NULL ELSE printf('%016x', i * 8) END,
       CASE WHEN k = 3 THEN 'chat ' || model ELSE name END, 'INTERNAL',
       started + to_milliseconds(k), started + to_milliseconds(CASE WHEN k = 0 THEN turn_ms ELSE turn_ms / 4 END),
       CASE WHEN k = 0 THEN turn_ms ELSE turn_ms / 4 END,
       CASE WHEN k = 4 AND i % 10 = 0 THEN 'ERROR' ELSE 'UNSET' END, NULL,
       CASE k WHEN 0 THEN json_object('frontdesk.thread.id', thread_id, 'frontdesk.model', model,
                                      'frontdesk.tags', json_object('variant', CASE WHEN i % 2 = 0 THEN 'a' ELSE 'b'
                                          END)::VARCHAR)
              WHEN 2 THEN json_object('gen_ai.agent.name', 'customer_service')
              WHEN 3 THEN json_object('gen_ai.request.model', model, 'gen_ai.usage.input_tokens', 1800 + i % 500,
                                      'gen_ai.usage.output_tokens', 120 + i % 80, 'frontdesk.cost.usd', 0.0004 + (i % 7)
                                          * 0.0001)
              WHEN 6 THEN json_object('frontdesk.feedback.rating', CASE WHEN (i // 20) % 5 = 0 THEN 'down' ELSE 'up'
                  END)
              ELSE json_object('frontdesk.node', name) END,
       CASE WHEN k = 5 THEN '[{{"name": "frontdesk.grader.verdict", "attributes": {{"frontdesk.grader.verdict": "'
                            || CASE WHEN i % 9 = 0 THEN 'fail' ELSE 'pass' END || '"}}}}]'
            WHEN k = 1 AND (i % 7 = 0 OR (i % 23 = 0 AND sin(i / 9000.0) > 0.5))
            THEN '[{{"name": "frontdesk.handoff", "attributes": {{"frontdesk.handoff.to": "human", '
                 || '"frontdesk.handoff.cause": "'
                            || CASE WHEN i % 2 = 0 THEN 'agent_transfer' ELSE 'grader_failed' END || '"}}}}]'
            ELSE '[]' END,
       '{{}}', thread_id, trace_id
FROM t, kinds WHERE k < 6 OR i % 20 = 0
"""


def generate(path: Path, count: int) -> float:
    started = time.perf_counter()
    with duckdb.connect(str(path)) as db:
        db.execute(SCHEMA)
        db.execute(SPANS_SQL.format(turns=count))
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--turns", type=int, default=100_000)
    parser.add_argument(
        "--keep", type=Path, help="Write the generated span store here and keep it (e.g. to look at the dashboard)"
    )
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = options.keep or Path(folder) / "traces.duckdb"
        path.unlink(missing_ok=True)
        made = generate(path, options.turns)
        with duckdb.connect(str(path), read_only=True) as db:
            spans = db.execute("SELECT count(*) FROM spans").fetchone()
        print(
            f"span store: {options.turns:,} turns, {spans[0] if spans else 0:,} spans, {path.stat().st_size / 1e6:.0f} "
            f"MB (generated in {made:.1f} s)"
        )
        started = time.perf_counter()
        with turns(path, Population()) as db:
            rolled = time.perf_counter()
            panels = build_panels(db)
            queried = time.perf_counter()
            html = render_dashboard(panels, Population(), plotly_src="plotly.js")
        done = time.perf_counter()
        print(f"per-turn rollup   {rolled - started:6.3f} s")
        print(f"panel queries     {queried - rolled:6.3f} s  ({len(panels.charts)} charts)")
        print(f"HTML              {done - queried:6.3f} s  ({len(html) / 1e3:.0f} kB)")
        print(
            f"dashboard total   {done - started:6.3f} s  (target < 1 s: {'met' if done - started < 1 else 'NOT met'})"
        )


if __name__ == "__main__":
    main()
