"""The supervision log as a signed PDF (docs/SUPERVISION.md): the service gathers the entries
and totals (kapnotes/services/reviews.py), signs their canonical form with the vault's
Ed25519 key, the export layer lays the pages out (kapnotes/export/supervision_log_pages.py),
and the shared export path renders, writes atomically and audits (kapnotes/services/exports.py).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from kapnotes.export.redaction import Redactor
from kapnotes.export.supervision_log_pages import LogPages, log_report
from kapnotes.services.container import Services
from kapnotes.services.exports import ExportJob, options_for
from kapnotes.services.review_keys import b64, canonical, vault_identity

KIND = "supervision_log"
SIGNED_PREFIX = b"kapnotes-supervision-log-v1\n"
# The entries, key and signature embedded in the PDF, for `kapnotes review verify-log`
# (kapnotes/services/supervision_log_verify.py).
ATTACHMENT = "supervision-log.json"
LOG_FORMAT = "kapnotes-supervision-log"
LOG_VERSION = 1


def _period(start: date | None, end: date | None) -> str:
    first = f"{start:%d %b %Y}" if start else "the first session"
    last = f"{end:%d %b %Y}" if end else "today"
    return f"From {first} to {last}"


def signed_entries(rows: list[dict[str, object]]) -> bytes:
    """What the log's signature covers: a fixed prefix and the canonical JSON entries."""
    return SIGNED_PREFIX + canonical(rows)


def build_log_report(services: Services, *, start: date | None = None,
                     end: date | None = None, by: str = "month") -> ExportJob:
    reviews = services.reviews
    rows = reviews.log(start=start, end=end)
    totals = reviews.totals(by=by, start=start, end=end)
    me = vault_identity(services.vault)
    entries: list[dict[str, object]] = [
        {"date": r.held_on, "supervisor": r.supervisor, "minutes": r.minutes,
         "format": r.format, "topics": list(r.topics),
         "source": "reply" if r.reply_id else "by hand"} for r in rows]
    pages = LogPages(
        clinician=me.profile.line() or "(name not set)", period=_period(start, end),
        rows=[(str(e["date"]), str(e["supervisor"]), r.minutes, r.format,
               "; ".join(r.topics), str(e["source"])) for e, r in zip(entries, rows,
                                                                      strict=True)],
        totals=[(t.period, t.sessions, t.minutes, t.individual_minutes, t.group_minutes)
                for t in totals],
        by=by, fingerprint=me.fingerprint, signature=b64(me.sign(signed_entries(entries))))
    signed = {"format": LOG_FORMAT, "version": LOG_VERSION, "clinician": pages.clinician,
              "public_key": b64(me.public_key), "entries": entries,
              "signature": pages.signature}
    options = options_for(services, deidentified=False)
    report = replace(log_report(pages, options),
                     attachments=((ATTACHMENT, canonical(signed)),))
    return ExportJob(report, KIND, ",".join(str(r.id) for r in rows), (),
                     f"Supervision log {options.export_date.isoformat()}.pdf", Redactor([]),
                     services.vault.path)
