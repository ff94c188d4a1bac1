"""A turn the customer cancelled makes no further model calls.

A synchronous run streaming tokens executes its nodes on worker threads; Ctrl-C stops the
caller (the chat CLI) at once, but the node it was in runs on to its end. That node may
still have model calls to make — the grader's review of a draft runs in the agent's step
— and each one costs money and time for a reply nobody will read. The caller puts a
``threading.Event`` in the run's config and sets it the moment the customer cancels;
agents check it before each model call and end the orphaned step there, writing nothing
(an error would leave the thread "stopped part-way", and the customer's next message
would first re-run the turn they cancelled). The async path needs none of this: asyncio
cancels the coroutine itself.
"""

from __future__ import annotations

import threading

from langchain_core.runnables import RunnableConfig

CANCELLED = "frontdesk_cancelled"
"""``config["configurable"]`` key of the run's cancel event."""


def cancellable(config: RunnableConfig, cancelled: threading.Event) -> RunnableConfig:
    """``config`` whose run stops making model calls once ``cancelled`` is set."""
    return {**config, "configurable": {**config.get("configurable", {}), CANCELLED: cancelled}}


def cancelled(config: RunnableConfig) -> bool:
    """Whether the run's caller has cancelled it."""
    event = config.get("configurable", {}).get(CANCELLED)
    return isinstance(event, threading.Event) and event.is_set()
