"""Logging a customer in by email or by name and zip: tau2's rules, without reading every customer.

tau2 compares case-insensitively (Python's ``lower()``) and the first customer in the data's
order wins. The database narrows an ASCII search; names with accents (which SQLite's
``lower()`` does not fold) are still found, on SQLite and on Postgres.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from sqlmodel import Session, select

from frontdesk.domains.database import open_domain_db
from frontdesk.domains.retail import init_domain_schema, seed_demo
from frontdesk.domains.retail.models import User
from frontdesk.domains.retail.tools.lookup import ascii_narrowed, find_user_id_by_email, find_user_id_by_name_zip
from frontdesk.persistence.engine import create_domain_engine
from frontdesk.tools.base import ToolContext

EXTRA = [
    ("sam_first", "Sam", "Stone", "Sam.Stone@Example.com", "10001"),
    ("sam_second", "sam", "STONE", "sam.stone@example.com", "20002"),
    ("emile_zola", "Émile", "Zola", "ÉMILE@exemple.fr", "75001"),
    ("kim_wrong_zip", "Kim", "Lee", "kim.one@example.com", "30003"),
    ("kim_right_zip", "Kim", "Lee", "kim.two@example.com", "40004"),
]


@pytest.fixture(params=["sqlite", "postgres"])
def engine(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[Any]:
    url = (
        f"sqlite:///{tmp_path / 'shop.sqlite'}"
        if request.param == "sqlite"
        else request.getfixturevalue("postgres_url")
    )
    engine = create_domain_engine(url)
    init_domain_schema(engine)
    seed_demo(engine)
    with Session(engine) as session:
        for offset, (user_id, first, last, email, zip_code) in enumerate(EXTRA):
            address = {
                "address1": "1 Main St",
                "address2": "",
                "city": "X",
                "country": "USA",
                "state": "NY",
                "zip": zip_code,
            }
            session.add(
                User(
                    user_id=user_id,
                    position=1000 + offset,
                    first_name=first,
                    last_name=last,
                    email=email,
                    address=address,
                    order_ids=[],
                )
            )
        session.commit()
    yield engine
    engine.dispose()


def login(engine: Any, tool: Any, **args: str) -> tuple[bool, str]:
    with Session(engine) as session:
        outcome = tool.execute(ToolContext(thread_id="t", engine=engine, session=session), tool.validate(args))
    return outcome.ok, outcome.content


def test_email_is_case_insensitive_and_the_first_customer_wins(engine: Any) -> None:
    assert login(engine, find_user_id_by_email, email="AVA.CHEN@example.COM") == (True, "ava_chen_1001")
    assert login(engine, find_user_id_by_email, email="SAM.STONE@EXAMPLE.COM") == (True, "sam_first")
    assert login(engine, find_user_id_by_email, email="émile@exemple.fr") == (True, "emile_zola")
    assert login(engine, find_user_id_by_email, email="nobody@example.com") == (False, "Error: User not found")
    assert login(engine, find_user_id_by_email, email="%@example.com") == (False, "Error: User not found"), (
        "no pattern matching"
    )


def test_name_and_zip(engine: Any) -> None:
    assert login(engine, find_user_id_by_name_zip, first_name="SAM", last_name="stone", zip="20002") == (
        True,
        "sam_second",
    )
    assert login(engine, find_user_id_by_name_zip, first_name="émile", last_name="ZOLA", zip="75001") == (
        True,
        "emile_zola",
    )
    assert login(engine, find_user_id_by_name_zip, first_name="Kim", last_name="Lee", zip="40004") == (
        True,
        "kim_right_zip",
    )
    assert login(engine, find_user_id_by_name_zip, first_name="Emile", last_name="Zola", zip="75001") == (
        False,
        "Error: User not found",
    )
    assert login(engine, find_user_id_by_name_zip, first_name="Kim", last_name="Lee", zip="99999") == (
        False,
        "Error: User not found",
    )


LOOKUP_INDEXES = ("ix_retail_users_email_folded", "ix_retail_users_name_folded", "ix_retail_payment_methods_user")


def test_a_database_made_before_the_lookup_indexes_gets_them_on_its_next_start(tmp_path: Any) -> None:
    url = f"sqlite:///{tmp_path / 'old-shop.sqlite'}"
    engine = open_domain_db(url, seed_demo=True)
    with engine.begin() as connection:  # as a database made before these indexes existed
        for name in LOOKUP_INDEXES:
            connection.exec_driver_sql(f"DROP INDEX {name}")
    engine.dispose()
    engine = open_domain_db(url, seed_demo=True)
    plan = ascii_narrowed(select(User.user_id, User.email), "ava.chen@example.com", User.email)
    with engine.connect() as connection:
        used = connection.exec_driver_sql(
            "EXPLAIN QUERY PLAN " + str(plan.compile(engine, compile_kwargs={"literal_binds": True}))
        ).fetchall()
    assert any("ix_retail_users_email_folded" in str(row) for row in used), used
    assert login(engine, find_user_id_by_email, email="Ava.Chen@example.com") == (True, "ava_chen_1001")
    engine.dispose()


def test_on_postgres_a_start_adds_missing_indexes_and_does_not_wait_behind_open_writes(postgres_url: str) -> None:
    """A CLI command started beside a busy server: checking the schema takes no lock that writes hold."""
    engine = open_domain_db(postgres_url, seed_demo=True)
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP INDEX ix_retail_users_email_folded")
    engine.dispose()
    open_domain_db(postgres_url).dispose()
    writer = psycopg.connect(postgres_url)
    try:
        indexes = {
            row[0]
            for row in writer.execute(
                "SELECT indexname FROM pg_indexes WHERE tablename IN ('retail_users', 'retail_payment_methods')"
            )
        }
        assert set(LOOKUP_INDEXES) <= indexes, indexes
        writer.execute(
            "UPDATE retail_users SET first_name = first_name WHERE user_id = 'ava_chen_1001'"
        )  # a write still open
        started: list[Any] = []
        opener = threading.Thread(target=lambda: started.append(open_domain_db(postgres_url)), daemon=True)
        opener.start()
        opener.join(20)
        assert started, "opening the database waited for another connection's open write"
        started[0].dispose()
    finally:
        writer.rollback()
        writer.close()
