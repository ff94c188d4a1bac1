"""Configuration in one place: ``Settings`` (every deployment knob and its environment
variable), the ``[gateway]``, ``[[mcp_servers]]`` and ``[[alerts]]`` tables of the config
file, and the process-level environment variables (``environment``).

Nothing here opens a connection or imports the rest of frontdesk, so every layer may read it.
"""

from __future__ import annotations

from frontdesk.config.alerts import AlertRule
from frontdesk.config.gateway import AgentRoute, Endpoint, GatewayConfig
from frontdesk.config.mcp import McpServerConfig
from frontdesk.config.settings import ENV_NAMES, Settings, config_path, default_data_dir, read_config_file
from frontdesk.errors import ConfigError

__all__ = [
    "ENV_NAMES",
    "AgentRoute",
    "AlertRule",
    "ConfigError",
    "Endpoint",
    "GatewayConfig",
    "McpServerConfig",
    "Settings",
    "config_path",
    "default_data_dir",
    "read_config_file",
]
