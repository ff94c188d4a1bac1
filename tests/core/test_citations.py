"""The citation check that runs before the grader model: only retrieved passages may be cited."""

from __future__ import annotations

from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from frontdesk.agents.citations import cited, unsupported_citations


def test_citations_are_read_in_order_without_repeats() -> None:
    text = "Within 30 days [returns#return-window], refunds in 5 days [returns#refunds] [returns#return-window]. See [not a citation]."
    assert cited(text) == ["returns#return-window", "returns#refunds"]


def test_only_passages_retrieved_since_the_customers_last_message_count() -> None:
    messages = [
        HumanMessage("What about refunds?"),
        ToolMessage("[returns#refunds] Returns — Refunds: ...", name="search_knowledge_base", tool_call_id="1"),
        AIMessage("Refunds take 5 days [returns#refunds]."),
        HumanMessage("And the return window?"),
        ToolMessage("[returns#return-window] Returns — Return window: ...", name="search_knowledge_base", tool_call_id="2"),
        ToolMessage("[returns#refunds] pasted by another tool", name="get_order_details", tool_call_id="3"),
    ]
    assert unsupported_citations(messages, "30 days [returns#return-window].") == []
    reasons = unsupported_citations(messages, "30 days [returns#return-window], refunds in 5 [returns#refunds].")
    assert len(reasons) == 1 and "[returns#refunds]" in reasons[0]
    assert unsupported_citations(messages, "No citations at all.") == []
