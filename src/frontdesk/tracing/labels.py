"""What a turn's trace says about the deployment that ran it, so two deployments can be compared.

Every turn's root span carries the model configured, a short hash of the agent
instructions (the prompt version), a short hash of the settings that change behaviour
(the config hash; secrets and paths left out), and the deployment's own ``tags``.
``frontdesk traces compare --a model=… --b tag.variant=b`` and the dashboard filter on them.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from frontdesk.config.settings import Settings
    from frontdesk.domains.base import Domain

NOT_BEHAVIOUR = {
    "data_dir",
    "database_url",
    "api_key",
    "base_url",
    "traces_path",
    "knowledge_path",
    "otlp_endpoint",
    "console_traces",
    "alert_webhook",
    "tags",
}


def short_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]


def run_labels(settings: Settings, domain: Domain) -> dict[str, str]:
    """The labels for every turn of a deployment (span attributes)."""
    behaviour = settings.model_dump(mode="json", exclude=NOT_BEHAVIOUR)
    labels = {
        "frontdesk.domain": domain.name,
        "frontdesk.prompt.version": short_hash(domain.instructions),
        "frontdesk.config.hash": short_hash(json.dumps(behaviour, sort_keys=True, default=str)),
        "frontdesk.tags": json.dumps(settings.tags, sort_keys=True),
    }
    if settings.model:
        labels["frontdesk.model"] = settings.model
    labels.update({f"frontdesk.tag.{name}": value for name, value in settings.tags.items()})
    return labels
