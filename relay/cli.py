"""The `relay` command."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from relay.settings import Settings, SettingsError, load_settings

if TYPE_CHECKING:
    from relay.runtime import Runtime
    from relay.services import Hook

log = logging.getLogger("relay")
DEMO_DATABASE = "sqlite:///relay-demo.db"


def _configure_logging() -> None:
    level = os.environ.get("RELAY_LOG_LEVEL", "INFO").upper()
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    for noisy in ("dramatiq", "twilio.http_client", "mail.log", "uvicorn.error", "alembic"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLogger().level))


def _runtime(settings: Settings, *, migrate: bool = False) -> Runtime:
    from relay import migrate as migrations
    from relay.runtime import build

    if migrate:
        migrations.upgrade(settings.database_url)
    else:
        migrations.require_current(settings.database_url)
    return build(settings)


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    from relay import processes

    runtime = _runtime(settings, migrate=True)
    hooks = processes_hooks(runtime, smtp=True)
    log.info("Relay serving: web http://%s, SMTP %s", settings.http_bind, settings.smtp_bind)
    processes.serve(runtime, on_startup=hooks[0], on_shutdown=hooks[1])
    return 0


def cmd_demo(settings: Settings, args: argparse.Namespace) -> int:
    from relay import processes
    from relay.dev import demo

    runtime = _runtime(settings, migrate=True)
    summary = demo.seed(runtime)
    hooks = processes_hooks(runtime, smtp=True)
    base = settings.public_base_url
    print(demo.banner(summary, base_url=base, smtp_bind=settings.smtp_bind), flush=True)
    processes.serve(runtime, on_startup=hooks[0], on_shutdown=hooks[1])
    return 0


def cmd_web(settings: Settings, args: argparse.Namespace) -> int:
    from relay import processes

    runtime = _runtime(settings)
    processes.serve(runtime, worker=False, scheduler=False)
    return 0


def cmd_smtp(settings: Settings, args: argparse.Namespace) -> int:
    from relay import processes

    runtime = _runtime(settings)
    hooks = processes_hooks(runtime, smtp=True)
    processes.serve(runtime, web=False, worker=False, scheduler=False, on_startup=hooks[0], on_shutdown=hooks[1])
    return 0


def cmd_worker(settings: Settings, args: argparse.Namespace) -> int:
    from relay import processes

    if not settings.redis_url:
        raise SettingsError(
            "RELAY_REDIS_URL is required for `relay worker` (without Redis, `relay serve` runs the workers)"
        )
    runtime = _runtime(settings)
    queues = set(args.queues.split(",")) if args.queues else None
    processes.run_worker(runtime, threads=args.threads, queues=queues)
    return 0


def cmd_scheduler(settings: Settings, args: argparse.Namespace) -> int:
    from relay import processes

    runtime = _runtime(settings)
    processes.serve(runtime, web=False, worker=False, scheduler=True)
    return 0


def cmd_db(settings: Settings, args: argparse.Namespace) -> int:
    from relay import migrate

    if args.action == "upgrade":
        where = migrate.redact(settings.database_url)
        before = migrate.current(settings.database_url)
        migrate.upgrade(settings.database_url)
        after = migrate.current(settings.database_url)
        if before == after:
            print(f"database already at the latest revision, {after}: nothing to do ({where})")
        else:
            print(f"database upgraded from revision {before or 'none (empty)'} to {after} ({where})")
    else:
        print(migrate.current(settings.database_url) or "empty (run `relay db upgrade`)")
    return 0


def caller_path(name: str) -> Path:
    """A file name given on the command line, read from the folder the command was typed in:
    `./dev` changes to Relay's folder first and says where it was in RELAY_CALLER_DIR."""
    return Path(os.environ.get("RELAY_CALLER_DIR") or ".") / name


def cmd_import(settings: Settings, args: argparse.Namespace) -> int:
    from relay import transfer

    runtime = _runtime(settings)
    try:
        return transfer.import_file(runtime, args.kind, caller_path(args.file))
    finally:
        runtime.close()


def cmd_export(settings: Settings, args: argparse.Namespace) -> int:
    from relay import transfer

    runtime = _runtime(settings)
    try:
        return transfer.export(
            runtime, args.kind, args.format, sys.stdout, school=args.school, since=args.since, until=args.until
        )
    finally:
        runtime.close()


def cmd_report(settings: Settings, args: argparse.Namespace) -> int:
    from relay import report_cli

    runtime = _runtime(settings)
    try:
        return report_cli.report(runtime, args.kind, args.format, sys.stdout)
    finally:
        runtime.close()


def cmd_send_link(settings: Settings, args: argparse.Namespace) -> int:
    from relay import transfer

    runtime = _runtime(settings)
    try:
        return transfer.send_pages_links(runtime, args.emails)
    finally:
        runtime.close()


def cmd_api_token(settings: Settings, args: argparse.Namespace) -> int:
    from relay import api_token_cli

    runtime = _runtime(settings)
    try:
        return api_token_cli.run(runtime, args)
    finally:
        runtime.close()


def processes_hooks(runtime: Runtime, *, smtp: bool) -> tuple[list[Hook], list[Hook]]:
    """Start-up and shut-down hooks for the async services that share the web app's loop."""
    from relay import services

    return services.hooks(runtime, smtp=smtp)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-09-01") from None


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="relay",
        description="Relay runs a school internship program over email and SMS.",
        epilog="Settings come from RELAY_* environment variables or a .env file; see README.md.",
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("demo", help="seed a demo school and run everything with dev transports")
    sub.add_parser("serve", help="web + SMTP + worker + scheduler in one process")
    sub.add_parser("web", help="the web app alone")
    sub.add_parser("smtp", help="the inbound SMTP server alone")
    w = sub.add_parser("worker", help="Dramatiq workers alone (needs RELAY_REDIS_URL)")
    w.add_argument("--threads", type=int, default=None, help="worker threads (default RELAY_WORKER_THREADS or 8)")
    w.add_argument("--queues", default=None, help="comma-separated queues (default all: email,sms,inbound,jobs)")
    sub.add_parser("scheduler", help="the periodic job scheduler alone (one leader among many)")
    d = sub.add_parser("db", help="database migrations")
    d.add_argument("action", choices=["upgrade", "current"])
    i = sub.add_parser(
        "import",
        help="import a CSV file (all rows or none)",
        description=IMPORT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    i.add_argument("kind", choices=IMPORT_KINDS)
    i.add_argument("file", help="a UTF-8 CSV file with a header row")
    link = sub.add_parser("send-link", help="text students the link to their internship pages")
    link.add_argument("emails", nargs="+", help="students' email addresses")
    link.add_argument("--demo", action="store_true", help="in the demo's database (relay-demo.db)")
    e = sub.add_parser("export", help="export records as CSV or JSON")
    e.add_argument("--demo", action="store_true", help="from the demo's database (relay-demo.db)")
    e.add_argument("kind", choices=EXPORT_KINDS)
    e.add_argument("--format", choices=["csv", "json"], default="csv")
    e.add_argument("--school", default=None, help="only this school (by name)")
    e.add_argument("--from", dest="since", type=_date, metavar="DATE", help="attendance: first date (YYYY-MM-DD)")
    e.add_argument("--to", dest="until", type=_date, metavar="DATE", help="attendance: last date (YYYY-MM-DD)")
    r = sub.add_parser("report", help="print a report as CSV or JSON (network: the network story)")
    r.add_argument("--demo", action="store_true", help="from the demo's database (relay-demo.db)")
    r.add_argument("kind", choices=["network"])
    r.add_argument("--format", choices=["csv", "json"], default="csv")
    t = sub.add_parser("api-token", help="make, list and revoke a coordinator's API tokens")
    token = t.add_subparsers(dest="action", metavar="ACTION", required=True)
    made = token.add_parser("create", help="print a new token for a coordinator (shown once)")
    listed = token.add_parser("list", help="a coordinator's tokens (never the secrets)")
    for action in (made, listed):
        action.add_argument("email", help="the coordinator's email address")
        action.add_argument("--school", default=None, help="the school's name, if the address is at several")
    made.add_argument("--label", default="", help="what the token is for, e.g. 'district sync'")
    revoked = token.add_parser("revoke", help="revoke a token by its id (from `list`)")
    revoked.add_argument("id", type=int)
    for action in (made, listed, revoked):
        action.add_argument("--demo", action="store_true", help="in the demo's database (relay-demo.db)")
    return p


IMPORT_KINDS = [
    "schools",
    "coordinators",
    "advisors",
    "students",
    "sites",
    "mentors",
    "placements",
    "opportunities",
    "compliance",
    "region_admins",
    "wishlists",
]
EXPORT_KINDS = ["attendance", "placements", "evaluations"]
IMPORT_HELP = """Columns (header names exact; extra columns are ignored; booleans yes/no;
phones E.164 or national numbers of the school's country). Import in this order:

  schools       name, timezone, region (optional), sms_number (optional), required_hours (optional),
                sms_service_sid and sms_pool (optional: a Messaging Service, its numbers or count),
                midpoint_evaluation (optional)
  coordinators  school, name, email
  advisors      school, name, email
  students      school, name, email, phone, advisor_email, required_hours (optional)
  sites         school, name, address, field, do_not_solicit, do_not_solicit_on and
                do_not_solicit_by (optional: when and who asked), latitude, longitude (optional)
  mentors       school, name, email, phone (optional), site
  placements    school, student_email, mentor_email, site, days, start_time, end_time,
                start_date, end_date      (days like "Tue Thu"; times 9:00 or 3:30pm; dates 2026-03-03)
  opportunities school, site, mentor_email, title, field, capacity, shared_with_region,
                description (optional)
  compliance    school, mentor_email, kind (e.g. background_check), status (valid, pending or
                rejected), expires_on (optional date)
  region_admins region, name, email   (they sign in like coordinators and see the region's counts)
  wishlists     school, student_email, field   (interest surveys; adds to students' own wishlists)

Every problem of every row is listed with its line number and column, and then nothing is
imported. Coordinators can also upload these files on the dashboard (People & places)."""

COMMANDS: dict[str, Callable[[Settings, argparse.Namespace], int]] = {
    "demo": cmd_demo,
    "serve": cmd_serve,
    "web": cmd_web,
    "smtp": cmd_smtp,
    "worker": cmd_worker,
    "scheduler": cmd_scheduler,
    "db": cmd_db,
    "import": cmd_import,
    "export": cmd_export,
    "report": cmd_report,
    "send-link": cmd_send_link,
    "api-token": cmd_api_token,
}


def main(argv: Sequence[str] | None = None) -> None:
    args = parser().parse_args(argv)
    if not args.command:
        parser().print_help()
        sys.exit(0)
    _configure_logging()
    try:
        settings = load_settings()
        default_db = Settings.model_fields["database_url"].default
        if args.command == "demo":
            # The demo keeps its seeded school out of the default database.
            database = DEMO_DATABASE if settings.database_url == default_db else settings.database_url
            settings = load_settings(demo=True, database_url=database)
        elif getattr(args, "demo", False) and settings.database_url == default_db:
            settings = load_settings(database_url=DEMO_DATABASE)  # `export --demo`: what the demo did
        sys.exit(COMMANDS[args.command](settings, args))
    except SettingsError as exc:
        print(f"relay: {exc}", file=sys.stderr)
        sys.exit(2)
