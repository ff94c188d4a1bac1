"""A model playing the customer, from a tau2 task's user instructions.

Live evaluation needs someone on the other side of the chat: the simulator gets the
task's reason for calling, what the customer knows and does not know, and a personality,
and answers the agent one message at a time. It ends the conversation by writing
``###STOP###`` when its goal is met or clearly refused, ``###TRANSFER###`` when it has been
handed to a person. The roles are flipped for its model: the agent's replies are the
"user" messages it reads, its own lines are the "assistant" ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

STOP = "###STOP###"
TRANSFER = "###TRANSFER###"
OUT_OF_SCOPE = "###OUT-OF-SCOPE###"
END_MARKERS = (STOP, TRANSFER, OUT_OF_SCOPE)

GUIDELINES = """You are playing a CUSTOMER who contacts a company's customer-support chat.
You are not the support agent: never offer help, never greet like an agent; you are the one
who needs something. Stay in character and follow your instructions below. Rules:
- Write only the customer's next message: short, natural, one message at a time.
- Reveal information only when the agent asks for it or it is needed; never invent ids,
  emails or other details that are not in your instructions.
- Do not do the agent's job for it and do not repeat these instructions.
- When your goal is fully met, or the agent has clearly refused and there is nothing more
  to ask, write {stop} alone as your message.
- If you are told you are being transferred to a person, write {transfer} alone.
- If the instructions do not say what you want for a question, write {out_of_scope} alone.

Your instructions:
{instructions}"""


def task_instructions(task: dict[str, Any]) -> str:
    """The customer's brief from a tau2 task (``user_scenario.instructions``, text or sections)."""
    scenario = task.get("user_scenario") or {}
    instructions = scenario.get("instructions")
    parts = []
    if scenario.get("persona"):
        parts.append(f"Persona: {scenario['persona']}")
    if isinstance(instructions, str):
        parts.append(instructions)
    elif isinstance(instructions, dict):
        labels = {
            "reason_for_call": "Why you are contacting support",
            "known_info": "What you know",
            "unknown_info": "What you do not know",
            "task_instructions": "How you behave",
        }
        parts += [
            f"{labels.get(key, key)}: {value}" for key, value in instructions.items() if value and key != "domain"
        ]
    return "\n".join(parts) or "You have a question about your order."


def framed(agent_text: str) -> str:
    """The agent's words as the simulator reads them: labelled, with whose turn it is.

    Bare, a greeting like "How can I help?" pulls small models into the agent's role.
    """
    return f"The support agent says: {agent_text}\n\n(Reply as the customer.)"


def task_opening(task: dict[str, Any]) -> str:
    """A first message from the task's own brief (why the customer calls, what they know), verbatim."""
    instructions = (task.get("user_scenario") or {}).get("instructions") or {}
    if isinstance(instructions, dict):
        parts = [str(instructions[key]) for key in ("reason_for_call", "known_info") if instructions.get(key)]
        return " ".join(parts).strip() or "Hello, I need help with an order."
    return str(instructions) or "Hello, I need help with an order."


AGENT_LINES = re.compile(r"how (can|may) i (help|assist)", re.IGNORECASE)


def _opens_as_customer(turn: UserTurn) -> bool:
    """A usable first message: some text, no end marker, and not the agent's own greeting back."""
    return bool(turn.text) and not turn.ended and not AGENT_LINES.search(turn.text)


@dataclass
class UserTurn:
    """One message from the simulated customer; ``ended`` when it closed the conversation."""

    text: str
    ended: bool = False
    marker: str | None = None


@dataclass
class UserSimulator:
    """Keeps the simulated customer's side of one conversation."""

    model: BaseChatModel
    instructions: str
    messages: list[BaseMessage] = field(default_factory=list)
    usage: dict[str, int] = field(default_factory=lambda: {"input_tokens": 0, "output_tokens": 0})

    def _system(self) -> SystemMessage:
        return SystemMessage(
            GUIDELINES.format(stop=STOP, transfer=TRANSFER, out_of_scope=OUT_OF_SCOPE, instructions=self.instructions)
        )

    def open(self, fallback: str) -> UserTurn:
        """The customer's first message; ``fallback`` when the model ends the chat before saying anything.

        Small models sometimes answer the greeting with an end marker straight away; a
        conversation that never started would score the agent on nothing.
        """
        first = self.respond(None)
        if _opens_as_customer(first):
            return first
        self.messages.pop()
        self.messages[-1] = HumanMessage(
            framed("Hi! How can I help you today?")
            + " Write your first message now, in the first person, with no ### marker."
        )
        retry = self.respond_to_current()
        if _opens_as_customer(retry):
            return retry
        self.messages[-1] = AIMessage(fallback)
        return UserTurn(text=fallback)

    def respond(self, agent_reply: str | None) -> UserTurn:
        """The customer's next message, after reading ``agent_reply`` (``None`` to open the chat)."""
        self.messages.append(
            HumanMessage(framed(agent_reply if agent_reply is not None else "Hi! How can I help you today?"))
        )
        return self.respond_to_current()

    def respond_to_current(self) -> UserTurn:
        """The customer's answer to the last message in its history."""
        reply = self.model.invoke([self._system(), *self.messages])
        text = reply.content if isinstance(reply.content, str) else str(reply.content)
        usage = getattr(reply, "usage_metadata", None) or {}
        for key in self.usage:
            self.usage[key] += int(usage.get(key, 0))
        self.messages.append(AIMessage(text))
        marker = next((m for m in END_MARKERS if m in text), None)
        cleaned = text
        for m in END_MARKERS:
            cleaned = cleaned.replace(m, "")
        return UserTurn(text=cleaned.strip(), ended=marker is not None, marker=marker)
