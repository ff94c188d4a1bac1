"""How a deployment names the MCP servers whose tools its agents may use (``[[mcp_servers]]``).

Each server is started as a process speaking MCP on stdio (``command`` + ``args``) or
reached over streamable HTTP (``url``). Its tools are declared READ or WRITE here, by the
deployment, not by the server: a tool nobody declared is a WRITE, so a new tool on a shop's
server gets the customer's confirmation and once-per-call guarantees until someone says
it only reads. The customer a call acts for is never the model's to choose: the argument
named by ``customer_argument`` is hidden from the model and filled from the thread's
authenticated customer.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

NAME_PATTERN = r"^[A-Za-z][A-Za-z0-9_-]{0,39}$"
_ENV_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
PYTHON_ALIASES = frozenset({"python", "python3"})


class McpServerConfig(BaseModel):
    """One MCP server: where it is, which agents get its tools, and what each tool does."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(
        pattern=NAME_PATTERN,
        description="Short name used in logs, traces and error messages (letters, digits, - and _)",
    )
    command: str | None = Field(
        default=None,
        description="Program to start for a stdio server; 'python' means the interpreter frontdesk runs on",
    )
    args: list[str] = Field(default_factory=list, description="Arguments of the stdio program")
    env: dict[str, str] = Field(
        default_factory=dict,
        description="Extra environment of the stdio program (${VAR} is taken from frontdesk's environment)",
    )
    cwd: Path | None = Field(default=None, description="Working directory of the stdio program")
    url: str | None = Field(default=None, description="Streamable HTTP endpoint, e.g. http://127.0.0.1:8765/mcp")
    headers: dict[str, str] = Field(
        default_factory=dict, description="HTTP headers, e.g. Authorization = 'Bearer ${LOYALTY_TOKEN}'"
    )
    agents: list[str] = Field(
        default_factory=lambda: ["customer_service"], description="Agents that get this server's tools"
    )
    tools: list[str] | None = Field(
        default=None, description="Only these of the server's tools (default: all it lists)"
    )
    read: list[str] = Field(default_factory=list, description="Tools that only read; every other tool is a WRITE")
    write: list[str] = Field(
        default_factory=list, description="Tools that change something (the default for undeclared tools)"
    )
    needs_approval: list[str] = Field(
        default_factory=list, description="WRITE tools whose every call waits for an operator"
    )
    no_auth: list[str] = Field(
        default_factory=list, description="Tools callable before the customer is authenticated (default: none)"
    )
    customer_argument: str | None = Field(
        default=None, description="Argument that names the customer: hidden from the model, filled from the thread"
    )
    idempotency_argument: str | None = Field(
        default="idempotency_key",
        description="Argument that takes an idempotency key, when a tool has it: hidden, filled with the call's id",
    )
    timeout_s: float = Field(default=15.0, gt=0, le=600, description="Seconds one call (or connecting) may take")

    @model_validator(mode="after")
    def _one_transport(self) -> McpServerConfig:
        if (self.command is None) == (self.url is None):
            raise ValueError(
                "give either command (a stdio server) or url (a streamable HTTP server), not both or neither"
            )
        if self.url is not None and not self.url.startswith(("http://", "https://")):
            raise ValueError(f"url must start with http:// or https://, not {self.url!r}")
        both = sorted(set(self.read) & set(self.write))
        if both:
            raise ValueError(f"{', '.join(both)} declared both read and write")
        readonly_approval = sorted(set(self.needs_approval) & set(self.read))
        if readonly_approval:
            raise ValueError(f"needs_approval names read-only tools: {', '.join(readonly_approval)}")
        return self

    @property
    def transport(self) -> str:
        return "stdio" if self.command is not None else "http"

    def kind_of(self, tool: str) -> str:
        """READ or WRITE as declared (undeclared: WRITE)."""
        return "READ" if tool in self.read else "WRITE"

    def declared_tools(self) -> set[str]:
        """Every tool name this entry mentions (what a scenario's script may call before the server is asked)."""
        return set(self.tools or ()) | set(self.read) | set(self.write) | set(self.needs_approval)

    def program(self) -> str:
        """The program to start; ``python`` is the interpreter running frontdesk (where the ``mcp`` package is)."""
        assert self.command is not None
        return sys.executable if self.command in PYTHON_ALIASES else self.command

    def resolved_env(self) -> dict[str, str]:
        return {key: expand(value) for key, value in self.env.items()}

    def resolved_headers(self) -> dict[str, str]:
        return {key: expand(value) for key, value in self.headers.items()}


def expand(value: str) -> str:
    """``${VAR}`` replaced from the environment (a missing variable is empty), so secrets stay out of config files."""
    return _ENV_REFERENCE.sub(lambda match: os.environ.get(match.group(1), ""), value)
