"""What a customer's login costs as the shop grows, against reading one customer's profile.

Logins look a customer up by email or by name and zip (case-insensitive, first in the data's
order wins). Reading every customer row to do that grows with the shop; the lookup should
stay near the cost of ``get_user_details`` (one customer by id). Runs tau2's retail DB (500
customers) and the same DB grown to ``--customers`` (copies with new ids and emails), the
last customer each time (the worst case for a scan), and prints each lookup's median and
its ratio to ``get_user_details`` measured in the same run:

    python bench/login_lookup.py [--customers 20000] [--calls 30]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlmodel import Session

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from frontdesk.domains.retail import init_domain_schema, load_tau2_db
from frontdesk.domains.retail.tools.lookup import find_user_id_by_email, find_user_id_by_name_zip, get_user_details
from frontdesk.persistence.engine import create_domain_engine
from frontdesk.tools.base import ToolContext

TAU2_DB = Path(__file__).resolve().parents[2] / "shared" / "tau2-retail" / "db.json"


def grown(data: dict[str, Any], customers: int) -> dict[str, Any]:
    """tau2's customers copied (new ids, emails and names) until there are ``customers``; orders untouched."""
    originals = list(data["users"].values())
    users = dict(data["users"])
    copy = 0
    while len(users) < customers:
        source = originals[copy % len(originals)]
        user_id = f"copy{copy}_{source['user_id']}"
        name = {"first_name": f"{source['name']['first_name']}{copy}", "last_name": source["name"]["last_name"]}
        users[user_id] = {
            **source,
            "user_id": user_id,
            "name": name,
            "email": f"copy{copy}.{source['email']}",
            "orders": [],
        }
        copy += 1
    return {**data, "users": users}


def median_ms(
    tool: Any, engine: Any, args: dict[str, Any], calls: int, customer_id: str | None = None
) -> tuple[float, str]:
    timings, content = [], ""
    validated = tool.validate(args)
    for _ in range(calls):
        with Session(engine) as session:
            context = ToolContext(thread_id="bench", engine=engine, session=session, customer_id=customer_id)
            started = time.perf_counter()
            outcome = tool.execute(context, validated)
            timings.append(time.perf_counter() - started)
        content = outcome.content
    return statistics.median(timings) * 1000, content


def measure(data: dict[str, Any], workdir: Path, calls: int) -> dict[str, Any]:
    path = workdir / f"shop-{len(data['users'])}.sqlite"
    engine = create_domain_engine(f"sqlite:///{path}")
    init_domain_schema(engine)
    load_tau2_db(engine, data)
    last = list(data["users"].values())[-1]
    profile_ms, _ = median_ms(
        get_user_details, engine, {"user_id": last["user_id"]}, calls, customer_id=last["user_id"]
    )
    email_ms, found_by_email = median_ms(find_user_id_by_email, engine, {"email": last["email"].upper()}, calls)
    name = last["name"]
    name_ms, found_by_name = median_ms(find_user_id_by_name_zip, engine, {**name, "zip": last["address"]["zip"]}, calls)
    engine.dispose()
    if {found_by_email, found_by_name} != {last["user_id"]}:
        raise SystemExit(f"lookup found {found_by_email!r} / {found_by_name!r}, expected {last['user_id']!r}")
    return {
        "customers": len(data["users"]),
        "get_user_details_ms": round(profile_ms, 3),
        "by_email_ms": round(email_ms, 3),
        "by_name_zip_ms": round(name_ms, 3),
        "by_email_ratio": round(email_ms / profile_ms, 2),
        "by_name_zip_ratio": round(name_ms / profile_ms, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=20000)
    parser.add_argument("--calls", type=int, default=30)
    options = parser.parse_args()
    data = json.loads(TAU2_DB.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as workdir:
        rows = [
            measure(data, Path(workdir), options.calls),
            measure(grown(data, options.customers), Path(workdir), options.calls),
        ]
    for row in rows:
        print(
            f"{row['customers']:>7} customers: get_user_details {row['get_user_details_ms']:.2f} ms; "
            f"by email {row['by_email_ms']:.2f} ms (x{row['by_email_ratio']}), by name+zip {row['by_name_zip_ms']:.2f} "
            f"ms (x{row['by_name_zip_ratio']})"
        )
    out = Path(__file__).resolve().parent / "results" / "login_lookup.json"
    out.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
