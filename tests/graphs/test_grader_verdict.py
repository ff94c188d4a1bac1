"""The grader model's answer, read hostile: anything but a well-formed verdict fails the draft."""

from __future__ import annotations

from langchain_core.messages import AIMessage

from frontdesk.agents.grader import GradeVerdict
from frontdesk.graphs.grader_node import read_verdict


def _called(args: dict[str, object], name: str = "GradeVerdict") -> AIMessage:
    return AIMessage(content="", tool_calls=[{"name": name, "args": args, "id": "call-1"}])


def test_a_well_formed_verdict_is_taken() -> None:
    assert read_verdict(_called({"verdict": "pass", "score": 0.9, "reasons": ["grounded"]})) == GradeVerdict(
        verdict="pass", score=0.9, reasons=["grounded"]
    )


def test_wrong_types_fail_the_draft_naming_why() -> None:
    verdict = read_verdict(_called({"verdict": "pass", "score": "very high"}))
    assert verdict.verdict == "fail" and verdict.score == 0.0
    assert "could not be read" in verdict.reasons[0] and "score" in verdict.reasons[0]


def test_no_verdict_called_fails_the_draft() -> None:
    verdict = read_verdict(AIMessage(content="Looks good to me!"))
    assert (verdict.verdict, verdict.reasons) == (
        "fail",
        ["The grader's output could not be read: it did not give a verdict"],
    )


def test_another_tool_called_fails_the_draft_naming_it() -> None:
    verdict = read_verdict(_called({"verdict": "pass", "score": 1.0}, name="approve_everything"))
    assert verdict.verdict == "fail" and "approve_everything" in verdict.reasons[0]


def test_unparseable_arguments_fail_the_draft() -> None:
    broken = {
        "name": "GradeVerdict",
        "args": '{"verdict": "pa',
        "id": "call-1",
        "error": "bad json",
        "type": "invalid_tool_call",
    }
    raw = AIMessage(content="", invalid_tool_calls=[broken])
    assert read_verdict(raw).verdict == "fail"
