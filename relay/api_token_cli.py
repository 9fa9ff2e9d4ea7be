"""`relay api-token create|list|revoke`: bearer tokens for the JSON API, from the command line.

`create EMAIL [--label L] [--school NAME]` prints a new token for that coordinator, once (only its
hash is kept); `list EMAIL` shows their tokens without the secrets; `revoke ID` ends one (the
arguments are declared in `relay.cli`). Creating and revoking are audited on channel `cli`.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, TextIO

from sqlalchemy import select

from web import api_tokens, staff_session
from web.models import ApiToken
from workflow.models import School

if TYPE_CHECKING:
    from relay.runtime import Runtime

CHANNEL = "cli"
WHY = {
    "unknown_coordinator": "no active coordinator has the address {email}{where}",
    "several_schools": "{email} is a coordinator at more than one school: add --school NAME",
    "unknown_school": "no school is named {school!r}",
}


def run(runtime: Runtime, args: argparse.Namespace, out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    now = staff_session.now()
    with runtime.sessions.begin() as session:
        school_id = None
        if getattr(args, "school", None):
            school_id = session.scalars(select(School.id).where(School.name == args.school)).one_or_none()
            if school_id is None:
                print("relay: " + WHY["unknown_school"].format(school=args.school), file=err)
                return 1
        if args.action == "revoke":
            row = session.get(ApiToken, args.id)
            if row is None:
                print(f"relay: no API token has the id {args.id}", file=err)
                return 1
            if api_tokens.revoke(session, row, now, channel=CHANNEL):
                print(f"revoked API token {row.id}", file=out)
            else:
                print(f"API token {row.id} was already revoked", file=out)
            return 0
        try:
            person = api_tokens.coordinator(session, args.email, school_id)
        except api_tokens.TokenRefused as refused:
            where = f" at {args.school}" if args.school else ""
            print("relay: " + WHY[refused.why].format(email=args.email, where=where), file=err)
            return 1
        if args.action == "create":
            row, secret = api_tokens.create(session, person, args.label, now, channel=CHANNEL)
            print(secret, file=out)
            print(
                f"API token {row.id} for {person.name} <{person.email}>: shown once, keep it like a password; "
                f"send it as `Authorization: Bearer <token>`.",
                file=err,
            )
            return 0
        lines = api_tokens.listed(session, person.id)
    if not lines:
        print(f"{args.email} has no API tokens", file=err)
    for line in lines:
        used = line.last_used_at.isoformat(timespec="seconds") if line.last_used_at else "never used"
        state = f"revoked {line.revoked_at.isoformat(timespec='seconds')}" if line.revoked_at else "live"
        created = line.created_at.isoformat(timespec="seconds")
        print(f"{line.id}\t{line.label or '-'}\tcreated {created}\t{used}\t{state}", file=out)
    return 0
