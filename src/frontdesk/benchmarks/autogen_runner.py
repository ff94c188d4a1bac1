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

from autogen_agentchat.agents import AssistantAgent
from autogen_agentchat.conditions import FunctionCallTermination
from autogen_agentchat.teams import Swarm

from frontdesk.benchmarks.model import ModelClock, timed_model
from frontdesk.benchmarks.tasks import (
    HUMAN_HANDOFF_TOOL,
    INSTRUCTIONS,
    SINGLE_AGENT,
    BenchTask,
    TaskRun,
    TurnOutcome,
    TurnTimer,
    bench_tools,
    domain_db,
    judge,
)
from frontdesk.interop.autogen_model import LangChainChatCompletionClient
from frontdesk.interop.autogen_tools import autogen_tools
from frontdesk.interop.nodes import autogen_reply, autogen_turn_end
from frontdesk.interop.session import ToolSession
from frontdesk.llm.scripted import Script
from frontdesk.replay.environment import ReplayEnvironment
from frontdesk.runtime import Services

NAME = "autogen"


async def _conversation(task: BenchTask, script: Script, session: ToolSession, client: LangChainChatCompletionClient, timer: TurnTimer) -> list[TurnOutcome]:
    agent = AssistantAgent(SINGLE_AGENT, model_client=client, tools=autogen_tools(session, bench_tools()), system_message=INSTRUCTIONS, max_tool_iterations=1)
    team = Swarm([agent], termination_condition=autogen_turn_end(SINGLE_AGENT) | FunctionCallTermination(HUMAN_HANDOFF_TOOL))
    outcomes = []
    for index, turn in enumerate(task.scenario.turns):
        script.turn = index
        session.begin_turn(customer_id=session.customer_id)
        with timer.turn():
            result = await team.run(task=turn.user)
        reply, handoff_reason = autogen_reply(result.messages)
        handed_off = handoff_reason is not None or (session.handoff is not None and session.handoff.to_human)
        outcomes.append(TurnOutcome(reply=reply, handoff=handed_off))
    return outcomes


def run_task(task: BenchTask, env: ReplayEnvironment, latency_s: float, clock: ModelClock) -> TaskRun:
    """Run ``task`` as one AutoGen conversation and judge its end state."""
    script = task.single_agent_script()
    timer = TurnTimer(clock)
    outcomes: list[TurnOutcome] = []
    problems: list[str] = []
    with domain_db(env, NAME, task) as engine:
        before = env.snapshot(engine)
        session = ToolSession(services=Services(engine=engine, knowledge=env.knowledge))
        client = LangChainChatCompletionClient(timed_model(script, SINGLE_AGENT, latency_s, clock))
        try:
            outcomes = asyncio.run(_conversation(task, script, session, client, timer))
        except Exception as exc:  # a crash fails this run, not the benchmark
            problems.append(f"{type(exc).__name__}: {exc}")
        problems += judge(task, outcomes, env.diff(before, env.snapshot(engine)), script)
    return TaskRun(task=task.name, framework=NAME, success=not problems, problems=problems, turns=timer.turns)
