"""The Python client generated from openapi/openapi.json, used as an integrator would: sign in,
file a walk-in complaint (and retry it under the same Idempotency-Key: the same ticket), route
it to the agency whose duties cover it, and read its timeline.

    PYTHONPATH=target/contract/client python client_test.py BASE_URL ADMIN_PASSWORD
"""

import sys
import uuid

from aduan_client import AuthenticatedClient, Client
from aduan_client.api.reference_data import list_agencies
from aduan_client.api.sign_in_and_users import create_token
from aduan_client.api.tickets import file_ticket, get_ticket, list_events, route_ticket
from aduan_client.models import (
    Action,
    Channel,
    FileTicket,
    RouteTicket,
    SignIn,
    SourceInput,
    Status,
    TicketView,
    TokenResponse,
)


def main(base_url: str, password: str) -> None:
    anonymous = Client(base_url=base_url, raise_on_unexpected_status=True)
    token = create_token.sync(client=anonymous, body=SignIn(username="admin", password=password))
    assert isinstance(token, TokenResponse), token
    api = AuthenticatedClient(base_url=base_url, token=token.access_token, raise_on_unexpected_status=True)

    complaint = FileTicket(
        source=SourceInput(platform=Channel.WALK_IN, text="Jalan berlubang di depan SDN 1 Jalancagak"),
        category="jalan",
        region="jalancagak",
    )
    key = str(uuid.uuid4())
    filed = file_ticket.sync_detailed(client=api, body=complaint, idempotency_key=key)
    assert filed.status_code == 201, filed
    ticket = filed.parsed
    assert isinstance(ticket, TicketView), ticket
    assert ticket.status == Status.NEW

    # A retry after a lost answer: the same ticket, nothing filed twice.
    again = file_ticket.sync_detailed(client=api, body=complaint, idempotency_key=key)
    assert again.status_code == 201, again
    assert again.headers.get("idempotent-replayed") == "true", again.headers
    assert again.parsed.id == ticket.id

    agencies = list_agencies.sync(client=api, q="Pekerjaan Umum")
    dpupr = next(a for a in agencies.items if a.code == "dpupr")
    routed = route_ticket.sync(
        id=ticket.id,
        client=api,
        body=RouteTicket(agency_id=dpupr.id, note="Tupoksi Dinas PUPR"),
        if_match=f'"{ticket.version}"',
        idempotency_key=str(uuid.uuid4()),
    )
    assert isinstance(routed, TicketView), routed
    assert routed.status == Status.ROUTED

    timeline = list_events.sync(id=ticket.id, client=api)
    actions = [e.action for e in timeline.items]
    assert actions == [Action.FILE, Action.ROUTE], actions
    assert timeline.items[1].to_status == Status.ROUTED

    read = get_ticket.sync(id=ticket.id, client=api)
    assert isinstance(read, TicketView) and read.code == ticket.code
    print(f"generated client: filed {ticket.code}, routed to {dpupr.name}, timeline {[a.value for a in actions]}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
