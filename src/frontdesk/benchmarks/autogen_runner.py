"""AutoGen (autogen-agentchat 0.7): one ``AssistantAgent`` in a ``Swarm``, frontdesk tools.

The agent gets the exported tools (:func:`~frontdesk.interop.autogen_tools.autogen_tools`)
and a model client over the timed scripted model. ``max_tool_iterations=1`` makes every
model call one agent step of the team, so the team's termination condition is checked
after each tool round: a turn ends when the agent answers in text or when
``transfer_to_human_agents`` ran (``FunctionCallTermination``) — otherwise the agent
would ask the model for another step after handing off, which the script (rightly) does
not have. The team keeps its own memory between turns (AutoGen's design), so all turns
of a conversation run on one event loop.
"""

from __future__ import annotations

import asyncio
from typing import Any

from autogen_agentchat.agents import AssistantAgent
from autogen_agentchat.conditions import FunctionCallTermination
from autogen_agentchat.teams import Swarm

from frontdesk.benchmarks.model import ModelClock
from frontdesk.benchmarks.tasks import (
    HUMAN_HANDOFF_TOOL,
    INSTRUCTIONS,
    SINGLE_AGENT,
    BenchTask,
    TaskRun,
    TurnOutcome,
    TurnTimer,
    bench_tools,
    run_single_agent,
)
from frontdesk.interop.autogen_model import LangChainChatCompletionClient
from frontdesk.interop.autogen_tools import autogen_tools
from frontdesk.interop.nodes import autogen_reply, autogen_turn_end
from frontdesk.interop.session import ToolSession
from frontdesk.llm.scripted import Script
from frontdesk.replay.environment import ReplayEnvironment

NAME = "autogen"


async def _conversation(
    task: BenchTask,
    script: Script,
    session: ToolSession,
    client: LangChainChatCompletionClient,
    timer: TurnTimer,
    outcomes: list[TurnOutcome],
) -> None:
    agent = AssistantAgent(
        SINGLE_AGENT,
        model_client=client,
        tools=list[Any](autogen_tools(session, bench_tools())),
        system_message=INSTRUCTIONS,
        max_tool_iterations=1,
    )
    team = Swarm(
        [agent], termination_condition=autogen_turn_end(SINGLE_AGENT) | FunctionCallTermination(HUMAN_HANDOFF_TOOL)
    )
    for index, turn in enumerate(task.scenario.turns):
        script.turn = index
        session.begin_turn(customer_id=session.customer_id)
        with timer.turn():
            result = await team.run(task=turn.user)
        reply, handoff_reason = autogen_reply(result.messages)
        handed_off = handoff_reason is not None or (session.handoff is not None and session.handoff.to_human)
        outcomes.append(TurnOutcome(reply=reply, handoff=handed_off))


def run_task(task: BenchTask, env: ReplayEnvironment, latency_s: float, clock: ModelClock) -> TaskRun:
    """Run ``task`` as one AutoGen conversation and judge its end state."""

    def converse(
        script: Script, session: ToolSession, model: Any, timer: TurnTimer, outcomes: list[TurnOutcome]
    ) -> None:
        asyncio.run(_conversation(task, script, session, LangChainChatCompletionClient(model), timer, outcomes))

    return run_single_agent(NAME, task, env, latency_s, clock, converse)
