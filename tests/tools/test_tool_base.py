"""The typed tool base: schemas, validation errors as tool messages, transactions, ownership."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import pytest
from sqlmodel import Field, Session, SQLModel, create_engine, select

from frontdesk.tools.base import ToolContext, ToolError, ToolKind, tool


class Counter(SQLModel, table=True):
    __tablename__ = "test_counters"
    id: str = Field(primary_key=True)
    owner: str
    value: int = 0


@tool(kind=ToolKind.WRITE, requires_auth=True)
def bump(ctx: ToolContext, counter_id: str, by: int = 1, fail_after_write: bool = False) -> dict:
    """Increase a counter the customer owns.

    Extra paragraphs are not part of the model-facing description."""
    counter = ctx.db.get(Counter, counter_id)
    if counter is None:
        raise ToolError("Counter not found")
    ctx.check_owner(counter.owner, f"Counter {counter_id}")
    counter.value += by
    ctx.db.add(counter)
    ctx.db.flush()
    if fail_after_write:
        raise ToolError("Refused after writing")
    return {"counter_id": counter_id, "value": counter.value}


@tool(kind=ToolKind.READ, authenticates=True)
def login(name: Literal["ava", "ben"]) -> str:
    """Authenticate a customer by name."""
    return name


@pytest.fixture
def engine(tmp_path: Path):
    engine = create_engine(f"sqlite:///{tmp_path / 'counters.sqlite'}")
    Counter.__table__.create(engine)
    with Session(engine) as session:
        session.add(Counter(id="c1", owner="ava", value=0))
        session.add(Counter(id="c2", owner="ben", value=0))
        session.commit()
    yield engine
    engine.dispose()


def value_of(engine, counter_id: str) -> int:
    with Session(engine) as session:
        return session.exec(select(Counter).where(Counter.id == counter_id)).one().value


def test_schema_comes_from_signature_and_docstring() -> None:
    schema = bump.openai_schema()["function"]
    assert schema["name"] == "bump"
    assert schema["description"] == "Increase a counter the customer owns."
    assert schema["parameters"]["required"] == ["counter_id"]
    assert set(schema["parameters"]["properties"]) == {"counter_id", "by", "fail_after_write"}
    assert bump.kind is ToolKind.WRITE
    assert login.openai_schema()["function"]["parameters"]["properties"]["name"]["enum"] == ["ava", "ben"]


def test_invalid_arguments_become_an_error_outcome_naming_the_field(engine) -> None:
    outcome = bump.invoke(ToolContext(customer_id="ava", engine=engine), {"counter_id": "c1", "by": "lots"})
    assert not outcome.ok
    assert outcome.content.startswith("Error: Invalid arguments for bump: by:")
    assert "'lots'" in outcome.content
    missing = bump.invoke(ToolContext(customer_id="ava", engine=engine), {})
    assert "counter_id: Field required" in missing.content
    unknown = bump.invoke(ToolContext(customer_id="ava", engine=engine), {"counter_id": "c1", "customer": "ben"})
    assert "customer: Extra inputs are not permitted" in unknown.content


def test_write_commits_on_success(engine) -> None:
    outcome = bump.invoke(ToolContext(customer_id="ava", engine=engine), {"counter_id": "c1", "by": 3})
    assert outcome.ok and outcome.value == {"counter_id": "c1", "value": 3}
    assert value_of(engine, "c1") == 3


def test_failed_write_leaves_no_partial_change(engine) -> None:
    outcome = bump.invoke(
        ToolContext(customer_id="ava", engine=engine), {"counter_id": "c1", "by": 5, "fail_after_write": True}
    )
    assert outcome.content == "Error: Refused after writing"
    assert value_of(engine, "c1") == 0


def test_ownership_is_enforced_whatever_the_arguments(engine) -> None:
    outcome = bump.invoke(ToolContext(customer_id="ava", engine=engine), {"counter_id": "c2"})
    assert not outcome.ok
    assert "does not belong to the authenticated customer" in outcome.content
    assert value_of(engine, "c2") == 0


def test_tools_needing_a_customer_refuse_before_authentication(engine) -> None:
    outcome = bump.invoke(ToolContext(customer_id=None, engine=engine), {"counter_id": "c1"})
    assert not outcome.ok and "not authenticated" in outcome.content
    assert value_of(engine, "c1") == 0


def test_only_authenticating_tools_report_a_customer() -> None:
    assert login.invoke(ToolContext(), {"name": "ben"}).authenticated_customer == "ben"
    assert bump.authenticates is False
