"""From wanting an internship to starting one: requests, approvals, the pursuit window, the start.

- `states`: the state table (`TRANSITIONS`), `check`/`move`, and the locks (site, then
  opportunity, then request);
- `queries`: what a student may see, places taken, who else pursues a site, a student's requests;
- `asking`: a student asks, the coordinator decides, a freed place goes to the next, withdrawing;
- `starting`: READY, the advisor's decision, compliance, the placement a start creates;
- `scheduled`: the pursuit window's reminder and end, start reminders.

The channels call the public functions re-exported here.
"""

from workflow.requests.asking import (
    decide_request,
    deciding_school,
    offer_next,
    request_opportunity,
    shared_in,
    withdraw,
)
from workflow.requests.queries import (
    Pursuers,
    can_see,
    places_taken,
    pursuers,
    pursuers_of_site,
    pursuing_requests,
    requests_of,
    visible_opportunities,
    who_else,
)
from workflow.requests.scheduled import pursuit_jobs, school_days_between, start_reminders
from workflow.requests.starting import compliance_problems, decide_start, request_start
from workflow.requests.states import (
    HOLDING_A_PLACE,
    OPEN,
    PURSUING_THE_SITE,
    TRANSITIONS,
    Event,
    State,
    check,
    move,
)
from workflow.suggestions import blocked_site, suggest

__all__ = [
    "HOLDING_A_PLACE",
    "OPEN",
    "PURSUING_THE_SITE",
    "TRANSITIONS",
    "Event",
    "Pursuers",
    "State",
    "blocked_site",
    "can_see",
    "check",
    "compliance_problems",
    "decide_request",
    "decide_start",
    "deciding_school",
    "move",
    "offer_next",
    "places_taken",
    "pursuers",
    "pursuers_of_site",
    "pursuing_requests",
    "pursuit_jobs",
    "request_opportunity",
    "request_start",
    "requests_of",
    "school_days_between",
    "shared_in",
    "start_reminders",
    "suggest",
    "visible_opportunities",
    "who_else",
    "withdraw",
]
