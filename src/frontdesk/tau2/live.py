"""Live tau2 evaluation: our agents, a simulated customer, a fresh DB per trial, tau2's scoring.

Each trial of a task starts from a fresh copy of the tau2 DB. The simulated customer opens
the chat and the support graph answers, turn by turn, until the customer ends the
conversation (goal met or refused), the agent hands the thread to a person, or
``max_turns`` is reached. A trial passes as in tau2: the DB's end state
(its hash) equals the end state the task's gold actions produce, and every piece of
information the task says must be communicated appears in the agent's replies. Natural
language assertions need a judge model and are not scored here.

pass^k is tau-bench's: over tasks, the mean of C(c, k) / C(n, k) for c passes in n trials.
"""

from __future__ import annotations

import math
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from langchain_core.callbacks import UsageMetadataCallbackHandler
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage
from langgraph.store.memory import InMemoryStore
from pydantic import BaseModel, Field

from frontdesk.app import open_app
from frontdesk.config.settings import Settings
from frontdesk.conversation import Confirmation, Conversation, NotTaken
from frontdesk.domains import get_domain
from frontdesk.domains.base import Domain
from frontdesk.llm.factory import ModelProvider
from frontdesk.persistence.checkpoint import open_checkpointer
from frontdesk.replay.environment import ReplayEnvironment
from frontdesk.replay.live import pass_hat_k
from frontdesk.tau2.replay_gold import replay_task
from frontdesk.tau2.user_simulator import TRANSFER, UserSimulator, UserTurn, task_instructions, task_opening
from frontdesk.tracing.setup import TracingHandle

MAX_CONFIRMATION_ASKS = 3
"""Times the simulated customer is asked to confirm one write before an unclear answer counts as no."""


class Trial(BaseModel):
    """One conversation on one task, and how it scored."""

    task_id: str
    trial: int
    passed: bool = False
    db_match: bool = False
    communicated: bool = True
    missing_info: list[str] = Field(default_factory=list)
    ended_by: str = ""
    turns: int = 0
    tool_calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    user_tokens: int = 0
    seconds: float = 0.0
    error: str | None = None
    transcript: list[dict[str, str]] = Field(default_factory=list)


class Tau2Report(BaseModel):
    """Every trial of a run, with pass^k over tasks."""

    agent_model: str
    user_model: str
    trials_per_task: int
    domain: str = "retail"
    trials: list[Trial] = Field(default_factory=list)

    def by_task(self) -> dict[str, list[Trial]]:
        grouped: dict[str, list[Trial]] = {}
        for trial in self.trials:
            grouped.setdefault(trial.task_id, []).append(trial)
        return grouped

    def pass_hat(self, k: int) -> float:
        tasks = self.by_task()
        if not tasks:
            return 0.0
        return sum(pass_hat_k(sum(t.passed for t in trials), len(trials), k) for trials in tasks.values()) / len(tasks)

    def summary(self) -> dict[str, Any]:
        ks = range(1, self.trials_per_task + 1)
        return {
            "domain": self.domain,
            "agent_model": self.agent_model,
            "user_model": self.user_model,
            "tasks": len(self.by_task()),
            "trials_per_task": self.trials_per_task,
            "pass_hat_k": {str(k): round(self.pass_hat(k), 4) for k in ks},
            "tool_calls": sum(t.tool_calls for t in self.trials),
            "input_tokens": sum(t.input_tokens for t in self.trials),
            "output_tokens": sum(t.output_tokens for t in self.trials),
            "seconds": round(sum(t.seconds for t in self.trials), 2),
        }


def communicated(info: list[str], replies: list[str]) -> list[str]:
    """The required pieces of information that no agent reply contains (tau2: case-insensitive, commas ignored)."""
    said = " ".join(replies).lower().replace(",", "")
    return [item for item in info if str(item).lower().replace(",", "") not in said]


@dataclass
class Tau2Run:
    """What a live run needs: the DB file, the agents' models, the customer's model."""

    db_path: Path
    agent_models: ModelProvider
    user_model: BaseChatModel
    env: ReplayEnvironment
    max_turns: int = 30
    settings: Settings | None = None

    @property
    def domain(self) -> Domain:
        """The tau2 domain the tasks belong to: the settings' (``--domain``), else the environment's."""
        return get_domain(self.settings.domain if self.settings is not None else self.env.domain)

    def gold_hash(self, task: dict[str, Any]) -> str:
        engine = self.env.fresh_domain_db(f"gold-{task['id']}", self.db_path, self.domain)
        try:
            _, final = replay_task(engine, task, self.domain)
        finally:
            engine.dispose()
        return self.domain.dump_hash(final)

    @staticmethod
    def _confirm(user: UserSimulator, question: str, result: Trial) -> UserTurn:
        """The framework asks the simulated customer to confirm a write, as chat or the server would."""
        result.transcript.append({"role": "agent", "text": question})
        said = user.respond(question)
        result.transcript.append({"role": "user", "text": said.text})
        return said

    def _answer_confirmations(
        self, conversation: Conversation, user: UserSimulator, said: UserTurn, result: Trial
    ) -> UserTurn:
        """While a write waits for the simulated customer's yes or no, ask them, as the chat would.

        Their words go through the same :class:`Conversation` as a customer's: a clear yes or
        no answers, anything else is asked again in their words (three times, then it is a no)."""
        question: str | None = None
        asked = 0
        while isinstance(pending := conversation.pending, Confirmation) and not said.ended:
            if asked == MAX_CONFIRMATION_ASKS:
                list(conversation.answer(False))
                break
            asked += 1
            said = self._confirm(user, question or pending.question, result)
            if said.ended:
                break
            events = list(conversation.send(said.text))
            question = events[0].message if events and isinstance(events[0], NotTaken) else None
        return said

    def trial(self, task: dict[str, Any], number: int, gold_hash: str) -> Trial:
        """Play one conversation on a fresh DB and score it."""
        task_id = str(task["id"])
        result = Trial(task_id=task_id, trial=number)
        started = time.perf_counter()
        usage = UsageMetadataCallbackHandler()
        engine = self.env.fresh_domain_db(f"task-{task_id}-trial-{number}", self.db_path, self.domain)
        thread_id = f"tau2-{task_id}-{number}-{uuid.uuid4().hex[:6]}"
        user = UserSimulator(self.user_model, task_instructions(task))
        replies: list[str] = []
        settings = (self.settings or Settings(data_dir=self.env.workdir)).model_copy(
            update={"approval_limit": math.inf}
        )
        try:
            with (
                open_checkpointer(f"sqlite:///{self.env.workdir / f'{thread_id}.sqlite'}") as saver,
                open_app(
                    settings,
                    model=self.agent_models,
                    engine=engine,
                    knowledge=self.env.knowledge_for(self.domain),
                    tracing=TracingHandle(tracer=self.env.tracer),
                    checkpointer=saver,
                    store=InMemoryStore(),
                ) as app,
            ):
                graph = app.graph
                conversation = Conversation(app, thread_id, config={"callbacks": [usage], "recursion_limit": 100})
                config = conversation.config
                said = user.open(task_opening(task))
                while True:
                    result.transcript.append({"role": "user", "text": said.text})
                    if said.ended:
                        result.ended_by = "transfer" if said.marker == TRANSFER else "customer"
                        break
                    if result.turns >= self.max_turns:
                        result.ended_by = "max_turns"
                        break
                    result.turns += 1
                    before = len(graph.get_state(config).values.get("messages", []))
                    list(conversation.send(said.text))
                    said = self._answer_confirmations(conversation, user, said, result)
                    state = graph.get_state(config)
                    if said.ended:
                        result.ended_by = "transfer" if said.marker == TRANSFER else "customer"
                        break
                    new = [m for m in state.values.get("messages", [])[before:] if isinstance(m, AIMessage)]
                    result.tool_calls += sum(len(m.tool_calls) for m in new)
                    reply = next((str(m.content) for m in reversed(new) if m.content and not m.tool_calls), "")
                    if reply:
                        replies.append(reply)
                        result.transcript.append({"role": "agent", "text": reply})
                    if state.interrupts:
                        result.ended_by = "handoff"
                        break
                    said = user.respond(reply or "(no reply)")
        except Exception as exc:  # a broken model call ends this trial, not the run
            result.error = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
            result.ended_by = "error"
        final_hash = self.domain.dump_hash(self.domain.export_dump(engine))
        engine.dispose()
        result.db_match = final_hash == gold_hash
        info = (task.get("evaluation_criteria") or {}).get("communicate_info") or []
        result.missing_info = communicated(info, replies)
        result.communicated = not result.missing_info
        result.passed = result.db_match and result.communicated and result.error is None
        for counts in usage.usage_metadata.values():
            result.input_tokens += int(counts.get("input_tokens", 0))
            result.output_tokens += int(counts.get("output_tokens", 0))
        result.user_tokens = user.usage["input_tokens"] + user.usage["output_tokens"]
        result.seconds = round(time.perf_counter() - started, 2)
        return result


def run_tau2(
    run: Tau2Run,
    tasks: list[dict[str, Any]],
    *,
    trials: int,
    agent_model: str,
    user_model: str,
    on_trial: Callable[[Trial], None] | None = None,
) -> Tau2Report:
    """Run every task ``trials`` times; ``on_trial`` sees each result as it lands (progress)."""
    report = Tau2Report(agent_model=agent_model, user_model=user_model, trials_per_task=trials, domain=run.domain.name)
    for task in tasks:
        gold = run.gold_hash(task)
        for number in range(1, trials + 1):
            trial = run.trial(task, number, gold)
            report.trials.append(trial)
            if on_trial:
                on_trial(trial)
    return report
