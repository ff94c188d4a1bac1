"""Tool calls written into the text of a reply become real tool calls; everything else stays a reply."""

from __future__ import annotations

import pytest
from langchain_core.messages import AIMessage

from frontdesk.llm.toolcall_recovery import recover_tool_calls

TOOLS = {"get_order_details", "find_user_id_by_email"}


@pytest.mark.parametrize(
    "content",
    [
        '```json\n{"name": "get_order_details", "arguments": {"order_id": "#D1001"}}\n```',
        '<tool_call>\n{"name": "get_order_details", "arguments": {"order_id": "#D1001"}}\n</tool_call>',
        '{"name": "get_order_details", "parameters": {"order_id": "#D1001"}}',
        '<tools>\n{"name": "get_order_details", "arguments": {"order_id": "#D1001"}}\n</tools>',
        '{{"name": "get_order_details", "arguments": {"order_id": "#D1001"}}}',
        '<tool_response>\n{"name": "get_order_details", "arguments": "{\\"order_id\\": '
        '\\"#D1001\\"}"}\n</tool_response>',
        '```json\n{"type": "function", "function": {"name": "get_order_details", "arguments": "{\\"order_id\\": '
        '\\"#D1001\\"}"}}\n```',
    ],
)
def test_a_call_in_the_text_becomes_a_tool_call(content: str) -> None:
    recovered = recover_tool_calls(AIMessage(content=content, id="m1"), TOOLS)
    assert recovered.content == "" and recovered.id == "m1"
    assert [(c["name"], c["args"]) for c in recovered.tool_calls] == [("get_order_details", {"order_id": "#D1001"})]
    assert recovered.tool_calls[0]["id"].startswith("call_")


def test_several_calls_in_one_reply_keep_their_order() -> None:
    content = (
        '<tool_call>{"name": "find_user_id_by_email", "arguments": {"email": "ava.chen@example.com"}}</tool_call>\n'
        '<tool_call>{"name": "get_order_details", "arguments": {"order_id": "#D1001"}}</tool_call>'
    )
    recovered = recover_tool_calls(AIMessage(content=content), TOOLS)
    assert [c["name"] for c in recovered.tool_calls] == ["find_user_id_by_email", "get_order_details"]
    assert len({c["id"] for c in recovered.tool_calls}) == 2


@pytest.mark.parametrize(
    "content",
    [
        "Your order #D1001 is pending.",
        '```json\n{"order_id": "#D1001", "status": "pending"}\n```',
        '```json\n{"name": "delete_everything", "arguments": {}}\n```',
        '```json\n{"name": "get_order_details", "arguments": {"order_id": \n```',
        'Here it is: ```json\n{"name": "get_order_details", "arguments": {"order_id": "#D1001"}}\n``` and ```json\n[1, '
        "2]\n```",
    ],
)
def test_replies_that_are_not_calls_to_known_tools_stay_replies(content: str) -> None:
    message = AIMessage(content=content)
    assert recover_tool_calls(message, TOOLS) is message


def test_a_message_with_real_tool_calls_is_left_alone() -> None:
    message = AIMessage(
        content='```json\n{"name": "get_order_details", "arguments": {}}\n```',
        tool_calls=[{"name": "find_user_id_by_email", "args": {}, "id": "c1"}],
    )
    assert recover_tool_calls(message, TOOLS) is message


def test_a_plain_reply_wrapped_in_template_tags_is_unwrapped() -> None:
    message = AIMessage(content='<tool_response>\nYour order #D1001 is "pending".\n</tool_response>', id="m2")
    recovered = recover_tool_calls(message, TOOLS)
    assert recovered.content == 'Your order #D1001 is "pending".' and recovered.id == "m2" and not recovered.tool_calls


def test_a_reply_wrapped_in_a_one_field_json_object_reaches_the_customer_as_text() -> None:
    """Seen from the local model: {"message": "Your order #D1002 has arrived."} as the whole reply."""
    wrapped = AIMessage(content='{"message":"Your order #D1002 has arrived. Thank you for your patience."}')
    assert (
        recover_tool_calls(wrapped, {"get_order_details"}).content
        == "Your order #D1002 has arrived. Thank you for your patience."
    )


@pytest.mark.parametrize(
    "content",
    [
        # a tool result pasted as the reply: left for the grader
        '{"payment_methods": {"credit_card_1001": {"brand": "visa"}}}',
        '{"message": "a", "status": "b"}',
        '{"message": 42}',
        '{"order_id": "#D1002"}',
    ],
)
def test_richer_json_in_a_reply_is_left_as_it_is(content: str) -> None:
    assert recover_tool_calls(AIMessage(content=content), {"get_order_details"}).content == content
