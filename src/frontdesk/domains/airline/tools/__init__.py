"""The airline tools: a typed implementation of the tau2-bench airline toolset.

Names, parameters, preconditions, error messages and database effects follow the
reference (see ``frontdesk tau2 replay-gold --domain airline``); on top of it, every tool
that reads or changes a reservation or account checks that it is the authenticated
customer's.
"""

from frontdesk.domains.airline.tools.booking import book_reservation, cancel_reservation, send_certificate
from frontdesk.domains.airline.tools.changes import (
    update_reservation_baggages,
    update_reservation_flights,
    update_reservation_passengers,
)
from frontdesk.domains.airline.tools.lookup import (
    get_flight_status,
    get_reservation_details,
    get_user_details,
    list_all_airports,
    search_direct_flight,
    search_onestop_flight,
)
from frontdesk.tools.base import Tool
from frontdesk.tools.shared import calculate, transfer_to_human_agents

AIRLINE_TOOLS: list[Tool] = [
    book_reservation,
    calculate,
    cancel_reservation,
    get_reservation_details,
    get_user_details,
    list_all_airports,
    search_direct_flight,
    search_onestop_flight,
    send_certificate,
    transfer_to_human_agents,
    update_reservation_baggages,
    update_reservation_flights,
    update_reservation_passengers,
    get_flight_status,
]
"""All fourteen airline tools, in the reference's order."""

TOOLS_BY_NAME: dict[str, Tool] = {t.name: t for t in AIRLINE_TOOLS}

__all__ = ["AIRLINE_TOOLS", "TOOLS_BY_NAME"]
