"""What apps test with: scripted models and an OpenAI-compatible test server.

``Script``/``ScriptedModels``/``ScriptedStep`` script every agent's model in process (the
demo and scenario replay use them); ``OpenAITestServer`` serves scripted completions over
real HTTP on 127.0.0.1, streaming or not, with fault modes (``Delayed``, ``HttpError``,
``StreamFault``) and per-conversation ``routes``, so an app's own client, retries and
timeouts are exercised for real. ``frontdesk model-server`` runs it from the command line.
"""

from __future__ import annotations

from frontdesk.llm.openai_test_server import Delayed, HttpError, OpenAITestServer, StreamFault
from frontdesk.llm.scripted import Script, ScriptedModels, ScriptedStep, ScriptError

__all__ = [
    "Delayed",
    "HttpError",
    "OpenAITestServer",
    "Script",
    "ScriptError",
    "ScriptedModels",
    "ScriptedStep",
    "StreamFault",
]
