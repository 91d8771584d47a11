"""`kapnotes review status` and `kapnotes review log` (the supervision log with totals)."""

from __future__ import annotations

import argparse

from kapnotes.cli.pdf_command import record_id
from kapnotes.cli.vault_commands import opened_vault
from kapnotes.domain.errors import ValidationError
from kapnotes.domain.review_model import supervision_from
from kapnotes.domain.text_rules import parse_date
from kapnotes.services.container import Services, build_services


def print_status(args: argparse.Namespace) -> int:
    with opened_vault(args) as vault:
        services = build_services(vault)
        pending = services.reviews.pending()
        rows = []
        for p in pending:
            session = services.notes.session(p.session_id)
            code = services.clients.get(services.notes.client_id_of(p.session_id)).code
            rows.append(f"  {p.session_id:>6}  {code:<12} {session.kind.value:<12} "
                        f"{session.starts_at:%Y-%m-%d}  {p.status.value} (sent "
                        f"{p.sent_at[:10]})")
    if not rows:
        print("No notes are awaiting review or have changes requested.")
        return 0
    print(f"{len(rows)} note(s) pending:")
    print("\n".join(rows))
    return 0


def _add(services: Services, args: argparse.Namespace) -> int:
    if not args.supervisor or not args.date or not args.minutes:
        raise ValidationError("--add", "give --supervisor, --date and --minutes.")
    minutes = record_id("--minutes", args.minutes)
    session = supervision_from("--add", {"date": args.date, "minutes": minutes,
                                         "format": args.format, "topics": args.topic})
    return int(services.reviews.log_session(args.supervisor, session))


def run_log(args: argparse.Namespace) -> int:
    start = parse_date("--from", args.start)
    end = parse_date("--to", args.end)
    with opened_vault(args) as vault:
        services = build_services(vault)
        if args.add:
            entry = _add(services, args)
            print(f"Logged supervision session {entry}.")
        if args.remove:
            services.reviews.remove_logged(int(record_id("--remove", args.remove) or 0))
            print(f"Removed supervision session {args.remove.strip()}.")
        rows = services.reviews.log(start=start, end=end)
        totals = services.reviews.totals(by=args.by, start=start, end=end)
    if not rows:
        print("The supervision log is empty for this period.")
        return 0
    for r in rows:
        source = "reply" if r.reply_id else "by hand"
        topics = "; ".join(r.topics)
        print(f"  {r.held_on}  {r.minutes:>4} min  {r.format:<10}  {r.supervisor}  "
              f"[{source}]{'  ' + topics if topics else ''}")
    print(f"Totals per {args.by}:")
    for t in totals:
        print(f"  {t.period}: {t.sessions} session(s), {t.minutes} min (individual "
              f"{t.individual_minutes}, group {t.group_minutes})")
    return 0
