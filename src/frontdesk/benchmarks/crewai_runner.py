"""CrewAI (1.15): one ``Agent`` with one ``Task`` in a sequential ``Crew``, frontdesk tools.

Each customer message is one ``kickoff`` (a crew has no memory between kickoffs, so the
task description carries the conversation so far, as :func:`frontdesk.interop.nodes.
crewai_crew_node` does). The exported ``transfer_to_human_agents`` is marked
``result_as_answer``: CrewAI's own way to end the task on a tool, without asking the
model for a final answer the script does not have.

Before CrewAI is imported, its telemetry and trace uploads are switched off and its
kickoff-output store is pointed at a temporary folder (unless the user set one): a
benchmark must not reach the network nor write under the home directory.
"""

from __future__ import annotations

import os
import tempfile
from typing import Any

from frontdesk.interop.session import crewai_offline_defaults

crewai_offline_defaults()
os.environ.setdefault("CREWAI_STORAGE_DIR", tempfile.mkdtemp(prefix="frontdesk-bench-crewai-"))

from crewai import Agent, Crew, Process, Task  # noqa: E402

from frontdesk.benchmarks.model import ModelClock  # noqa: E402
from frontdesk.benchmarks.tasks import (  # noqa: E402
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
from frontdesk.interop.crewai_model import LangChainCrewLLM  # noqa: E402
from frontdesk.interop.crewai_tools import crewai_tools  # noqa: E402
from frontdesk.interop.session import ToolSession  # noqa: E402
from frontdesk.llm.scripted import Script  # noqa: E402
from frontdesk.replay.environment import ReplayEnvironment  # noqa: E402

NAME = "crewai"


def build_crew(llm: LangChainCrewLLM, session: ToolSession) -> Crew:
    """The single-agent crew; its task reads ``{history}`` and ``{message}`` at kickoff."""
    tools = crewai_tools(session, bench_tools())
    for tool in tools:
        if tool.name == HUMAN_HANDOFF_TOOL:
            tool.result_as_answer = True
    agent = Agent(
        role="Support",
        goal="Resolve the customer's request",
        backstory=INSTRUCTIONS,
        llm=llm,
        tools=tools,
        allow_delegation=False,
        verbose=False,
    )
    task = Task(
        description="Conversation so far:\n{history}\n\nThe customer says: {message}",
        expected_output="A reply to the customer",
        agent=agent,
    )
    return Crew(agents=[agent], tasks=[task], process=Process.sequential, verbose=False)


def run_task(task: BenchTask, env: ReplayEnvironment, latency_s: float, clock: ModelClock) -> TaskRun:
    """Run ``task`` as one kickoff per customer turn and judge its end state."""

    def converse(
        script: Script, session: ToolSession, model: Any, timer: TurnTimer, outcomes: list[TurnOutcome]
    ) -> None:
        crew = build_crew(LangChainCrewLLM(model=f"frontdesk-scripted/{SINGLE_AGENT}", chat_model=model), session)
        history: list[str] = []
        for index, turn in enumerate(task.scenario.turns):
            script.turn = index
            session.begin_turn(customer_id=session.customer_id)
            with timer.turn():
                output = crew.kickoff(inputs={"message": turn.user, "history": "\n".join(history) or "(none)"})
            reply = str(getattr(output, "raw", output))
            outcomes.append(TurnOutcome(reply=reply, handoff=session.handoff is not None and session.handoff.to_human))
            history += [f"customer: {turn.user}", f"assistant: {reply}"]

    return run_single_agent(NAME, task, env, latency_s, clock, converse)
