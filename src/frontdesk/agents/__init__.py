"""The agents of the support graph: customer service, researcher, grader."""

from frontdesk.agents.base import AgentSpec
from frontdesk.agents.customer_service import customer_service_agent
from frontdesk.agents.grader import GradeVerdict
from frontdesk.agents.researcher import researcher_agent

__all__ = ["AgentSpec", "GradeVerdict", "customer_service_agent", "researcher_agent"]
