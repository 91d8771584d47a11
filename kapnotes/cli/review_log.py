"""`kapnotes review status`, `kapnotes review log` (the supervision log with totals, and its
signed PDF with --out) and `kapnotes review verify-log` (docs/SUPERVISION.md)."""

from __future__ import annotations

import argparse
from pathlib import Path

from kapnotes.cli.pdf_command import record_id
from kapnotes.cli.vault_commands import opened_vault
from kapnotes.domain.errors import ValidationError
from kapnotes.domain.review_model import supervision_from
from kapnotes.domain.text_rules import parse_date
from kapnotes.services.container import Services, build_services
from kapnotes.services.output_files import check_output_path
from kapnotes.services.reviews import LogRow


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
    out = Path(args.out).expanduser() if args.out else None
    if out is not None:  # refused before the vault is unlocked
        check_output_path(out, Path(args.vault).expanduser() if args.vault else None,
                          replace=args.force, label="--out")
    with opened_vault(args) as vault:
        services = build_services(vault)
        if args.add:
            entry = _add(services, args)
            print(f"Logged supervision session {entry}.")
        if args.remove:
            services.reviews.remove_logged(int(record_id("--remove", args.remove) or 0))
            print(f"Removed supervision session {args.remove.strip()}.")
        if args.given:
            return _print_given(services.reviews.given(start=start, end=end))
        rows = services.reviews.log(start=start, end=end)
        totals = services.reviews.totals(by=args.by, start=start, end=end)
        if out is not None:
            written = _save_pdf(services, out, args)
            print(f"Wrote {written} (the supervision log, signed with key "
                  f"{services.reviews.fingerprint()}).")
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


def _save_pdf(services: Services, out: Path, args: argparse.Namespace) -> Path:
    from kapnotes.services import exports  # the export stack, when asked
    from kapnotes.services.supervision_log_pdf import build_log_report

    job = build_log_report(services, start=parse_date("--from", args.start),
                           end=parse_date("--to", args.end), by=args.by)
    return exports.export_pdf(services, job, out, replace=args.force)


def verify_log(args: argparse.Namespace) -> int:
    """One line: whose key signed the log and what it holds, or the reason it is refused."""
    from kapnotes.services.review_keys import read_key_file
    from kapnotes.services.supervision_log_verify import verify_log as check

    key = read_key_file(Path(args.key), "--key") if args.key else None
    log = check(Path(args.file), key)
    span = f", {log.first} to {log.last}" if log.sessions else ""
    print(f"Signature valid: {log.sessions} session(s), {log.minutes} min{span}; signed by "
          f"{log.clinician or '(name not given)'} with key {log.fingerprint}.")
    if key is None:
        print("Compare that fingerprint with the clinician's (or pass --key KEYFILE).")
    else:
        print(f"The key is {key.profile.name}'s, from {args.key}.")
    return 0


def _print_given(rows: list[LogRow]) -> int:
    """Supervision given: sessions recorded in replies sent from this vault."""
    if not rows:
        print("No supervision given is recorded for this period.")
        return 0
    for r in rows:
        print(f"  {r.held_on}  {r.minutes:>4} min  {r.format:<10}  {r.supervisee}"
              f"{'  ' + '; '.join(r.topics) if r.topics else ''}")
    print(f"{len(rows)} session(s) given, {sum(r.minutes for r in rows)} min.")
    return 0
