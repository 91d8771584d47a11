"""A client's course as report blocks: the one-page overview (summary_overview.py), then
client, screening and risk, intentions, themes, outcomes, vitals and adverse events, protocol
and schedule, audit entries, then every note."""

from __future__ import annotations

from kapnotes.domain.audit_events import event_label
from kapnotes.domain.course_label import course_label, protocol_label
from kapnotes.domain.dates import plural, schedule_date, utc_text
from kapnotes.domain.models import SessionKind
from kapnotes.domain.risk import RiskStatus, banner_lines, quiet_line
from kapnotes.domain.screening import Answer, WarningKind
from kapnotes.domain.vitals import Severity
from kapnotes.export.report import (
    Banner,
    Block,
    Heading,
    KeyValues,
    PageBreak,
    Paragraph,
    Table,
)
from kapnotes.export.snapshot import CourseSnapshot
from kapnotes.export.summary_common import (
    NOT_RECORDED,
    Context,
    age_on,
    fmt_date,
    number,
)
from kapnotes.export.summary_outcomes import outcome_blocks
from kapnotes.export.summary_overview import overview_blocks
from kapnotes.export.summary_reviews import request_comment_blocks
from kapnotes.export.summary_session import session_blocks

CHUNK = 6  # grid columns per table: more would not fit across a portrait A4 page
LATE = {"missed", "overdue"}


def course_blocks(snap: CourseSnapshot, ctx: Context, *, level: int = 1) -> list[Block]:
    """The whole course summary; `level` is the level of its section headings."""
    # The one-page overview first, then the details; the planned schedule (a row per slot)
    # after what a supervisor reads first.
    out: list[Block] = [*overview_blocks(snap, ctx, level), PageBreak()]
    for part in (client_blocks, screening_blocks, intention_blocks, theme_blocks,
                 outcome_blocks, vitals_blocks, schedule_blocks, request_comment_blocks,
                 audit_blocks):
        out += part(snap, ctx, level)
    out += notes_blocks(snap, ctx, level)
    return out


def client_blocks(snap: CourseSnapshot, ctx: Context, level: int) -> list[Block]:
    c, today = snap.client, ctx.options.export_date
    age = age_on(c.date_of_birth, today)
    rows = [("Client code", c.code)]
    if ctx.deidentified:
        rows.append(("Age", NOT_RECORDED if age is None else f"{age} years"))
    else:
        rows.append(("Name", c.full_name))
        if c.preferred_name:
            rows.append(("Preferred name", c.preferred_name))
        dob = fmt_date(c.date_of_birth)
        rows.append(("Date of birth", dob if age is None else f"{dob} (age {age})"))
        for label, value in (("Phone", c.phone), ("Email", c.email), ("Address", c.address)):
            if value:
                rows.append((label, value))
        if c.support_person:
            support = c.support_person + (f" ({c.support_relationship})"
                                          if c.support_relationship else "")
            rows.append(("Support person", support + (f", {c.support_phone}"
                                                      if c.support_phone else "")))
        if c.other_names:
            rows.append(("Other names", c.other_names))
    rows += [
        ("Referring clinician", c.referring_clinician or NOT_RECORDED),
        ("Prescriber", c.prescriber or NOT_RECORDED),
        ("Diagnosis", c.diagnosis or NOT_RECORDED),
        ("Antidepressant trials", NOT_RECORDED if c.antidepressant_trials is None
         else str(c.antidepressant_trials)),
    ]
    medicines = []
    for m in c.medicines:
        classes = snap.concomitant.get(m)
        medicines.append(m + (f" — record: {', '.join(classes)}" if classes else ""))
    rows.append(("Current medicines", "\n".join(medicines) or "None recorded"))
    out: list[Block] = [Heading("Client", level), KeyValues(rows)]
    if ctx.deidentified:
        out.append(Paragraph("Name, date of birth, contact and support-person details are "
                             "left out of this de-identified export.", "muted"))
    if c.background.strip():
        out += [Paragraph("Background", "muted"), ctx.free(c.background)]
    return out


def schedule_blocks(snap: CourseSnapshot, ctx: Context, level: int) -> list[Block]:
    c = snap.course
    status = c.status.label + (f" — {ctx.text(c.status_reason)}" if c.status_reason else "")
    out: list[Block] = [Heading("Protocol and schedule", level), KeyValues([
        ("Protocol", protocol_label(c.protocol)),
        ("Course", course_label(snap.course)),
        ("Start date", fmt_date(c.start_date)),
        ("Status", status),
        ("Prescriber", c.prescriber or NOT_RECORDED),
    ], possibly_identifying=bool(c.status_reason))]
    a = snap.adherence
    if a is not None:
        out.append(Paragraph(
            f"On {fmt_date(ctx.options.export_date)}: {a.done} of {a.planned_to_date} planned "
            f"sessions to date held; {a.missed} missed, {a.overdue} overdue, {a.skipped} "
            f"skipped, {a.moved} moved, {a.upcoming} still to come."))
    rows: list[tuple[str, ...]] = []
    late: set[int] = set()
    for kind in SessionKind:
        slots = [s for s in snap.slots if s.kind is kind]
        if not slots:
            continue
        count = {st: sum(1 for s in slots if s.status == st)
                 for st in ("done", "missed", "overdue", "skipped")}
        # Held early counts as planned to date, so "done" never exceeds "planned".
        planned = sum(1 for s in slots if s.status == "done" or (
            not s.skipped and s.planned_date <= ctx.options.export_date))
        if count["missed"] or count["overdue"]:
            late.add(len(rows))
        rows.append((kind.label, str(planned), str(count["done"]), str(count["missed"]),
                     str(count["overdue"]), str(count["skipped"]),
                     str(sum(1 for s in slots if s.status in ("upcoming", "moved")))))
    out.append(Table(("Kind", "Planned to date", "Done", "Missed", "Overdue", "Skipped",
                      "Upcoming"), rows, highlight_rows=late))
    slot_rows, late_rows = [], set()
    for i, s in enumerate(snap.slots):
        note = s.change_reason and ctx.text(s.change_reason)
        if s.moved and not s.skipped:
            note = ("Moved" + (f" from {schedule_date(s.moved_from)}" if s.moved_from else "")
                    + (f": {note}" if note else ""))
        elif s.skipped:
            note = "Skipped" + (f": {note}" if note else "")
        slot_rows.append((str(s.seq + 1), schedule_date(s.planned_date), s.kind.label,
                          s.label[:1].upper() + s.label[1:],
                          s.status.capitalize(), fmt_date(s.held_on) if s.held_on else "—",
                          note or "—"))
        if s.status in LATE:
            late_rows.add(i)
    if slot_rows:
        out.append(Paragraph("Planned sessions (missed and overdue tinted):", "muted"))
        out.append(Table(("#", "Planned", "Kind", "Phase", "Status", "Held", "Note"),
                         slot_rows, widths=(0.5, 1.4, 1.3, 2.6, 1.2, 1.4, 1.8),
                         highlight_rows=late_rows,
                         possibly_identifying=any(s.change_reason for s in snap.slots)))
    return out


def screening_blocks(snap: CourseSnapshot, ctx: Context, level: int) -> list[Block]:
    out: list[Block] = [Heading("Screening and risk", level)]
    stored = snap.screen
    if stored is None:
        out.append(Paragraph("No contraindication screen recorded.", "warning"))
    else:
        scr = stored.screen
        yes = [a.item.label for a in scr.answers if a.answer is Answer.YES]
        out.append(KeyValues([
            ("Latest screen", f"{fmt_date(scr.screened_on)} by {stored.screened_by}"),
            ("Answered yes", ", ".join(yes) or "None"),
            ("Medicines listed at screening", ", ".join(scr.medicines) or "None"),
        ]))
    warnings = [w for w in snap.screening_warnings if w.kind is not WarningKind.NO_SCREEN]
    if warnings:
        rows = [(w.kind.value.replace("_", " ").capitalize(), ctx.text(w.message))
                for w in warnings]
        serious = {i for i, w in enumerate(warnings) if w.kind is WarningKind.CONTRAINDICATION}
        out.append(Table(("Screening warning", "Detail"), rows, widths=(1.2, 4),
                         highlight_rows=serious, possibly_identifying=True))
    out += scale_risk_blocks(snap.risk or RiskStatus(snap.risk_flags))
    return out


def scale_risk_blocks(risk: RiskStatus) -> list[Block]:
    """The rating scales' current risk, worded as in the client header (domain.risk)."""
    lines = banner_lines(risk, fmt_date)
    if not lines:
        return [Paragraph(quiet_line(risk), "muted")]
    out: list[Block] = [Banner("\n".join(lines), "alert" if risk.flags
                               else "warning")]
    quiet = quiet_line(risk)
    if quiet:
        out.append(Paragraph(quiet, "muted"))
    return out


def intention_blocks(snap: CourseSnapshot, ctx: Context, level: int) -> list[Block]:
    out: list[Block] = [Heading("Intentions across sessions", level)]
    m = snap.progress
    if m is None or not m.rows:
        return [*out, Paragraph("No intentions recorded for this course.", "muted")]
    numbers = {row.intention.id: f"I{n}" for n, row in enumerate(m.rows, 1)}
    out.append(Table(
        ("#", "Intention", "Set", "Status", "Latest progress"),
        [(numbers[r.intention.id], ("    ↳ " * min(r.depth, 1)) + ctx.text(r.intention.text),
          fmt_date(r.intention.set_on), r.intention.status.label,
          _latest(m.progress_series(r.intention.id)))
         for r in m.rows],
        widths=(0.6, 5, 1.5, 1.2, 1.4), possibly_identifying=True))
    columns = [c for c in m.columns if any(m.cell(r.intention.id, c.session_id)
                                           for r in m.rows)]
    if not columns:
        return [*out, Paragraph("No intention has been reviewed in a session yet.", "muted")]
    out.append(Paragraph("Progress (0–10) and notes by session:", "muted"))
    ids = [r.intention.id for r in m.rows]
    for start in range(0, len(ids), CHUNK):
        part = ids[start:start + CHUNK]
        rows = []
        for c in columns:
            cells = []
            for iid in part:
                review = m.cell(iid, c.session_id)
                if review is None:
                    cells.append("")
                    continue
                text = "not rated" if review.progress is None else f"{review.progress}/10"
                cells.append(text + (f": {ctx.text(review.note)}" if review.note.strip()
                                     else ""))
            rows.append((fmt_date(c.on), c.kind.capitalize(), *cells))
        out.append(Table(("Session", "Kind", *(numbers[i] for i in part)), rows,
                         widths=(1.4, 1.3, *([3] * len(part))), possibly_identifying=True))
    return out


def _latest(series: list) -> str:
    return f"{series[-1][1]}/10 on {fmt_date(series[-1][0])}" if series else "Not reviewed"


def theme_blocks(snap: CourseSnapshot, ctx: Context, level: int) -> list[Block]:
    out: list[Block] = [Heading("Themes", level)]
    t = snap.themes
    if t is None or not t.rows:
        return [*out, Paragraph("No themes recorded for this course.", "muted")]
    out.append(Table(
        ("Theme", "First seen", "Sessions", "Mentions", "Latest evidence"),
        [(ctx.text(r.name), fmt_date(r.first_seen), str(r.sessions), str(r.mentions),
          ctx.text(r.latest_evidence) or "—") for r in t.rows],
        widths=(2, 1.4, 1.1, 1.2, 4.1), possibly_identifying=True))
    ids = [r.theme_id for r in t.rows]
    names = {r.theme_id: ctx.text(r.name) for r in t.rows}
    columns = [c for c in t.columns if any((i, c.session_id) in t.cells for i in ids)]
    out.append(Paragraph("Session × theme (● mentioned, with the count when more than once):",
                         "muted"))
    for start in range(0, len(ids), CHUNK):
        part = ids[start:start + CHUNK]
        rows = []
        for c in columns:
            marks = []
            for i in part:
                n = len(t.cells.get((i, c.session_id), ()))
                marks.append("" if n == 0 else ("●" if n == 1 else f"● ×{n}"))
            rows.append((fmt_date(c.on), c.kind.capitalize(), *marks))
        out.append(Table(("Session", "Kind", *(names[i] for i in part)), rows,
                         widths=(1.4, 1.3, *([1.5] * len(part)))))
    return out


def vitals_blocks(snap: CourseSnapshot, ctx: Context, level: int) -> list[Block]:
    out: list[Block] = [Heading("Vitals and adverse events", level)]
    rows: list[tuple[str, ...]] = []
    flagged: set[int] = set()
    for sess in snap.sessions:
        d = sess.dosing
        if sess.kind is not SessionKind.DOSING or d is None:
            continue
        readings = [r.reading for r in d.readings]
        bps = [r for r in readings if r.has_blood_pressure]
        top = max(bps, key=lambda r: (r.systolic or 0, r.diastolic or 0), default=None)
        spo2 = [r.spo2 for r in readings if r.spo2 is not None]
        hr = [r.heart_rate for r in readings if r.heart_rate is not None]
        alert = any(f.severity is Severity.ALERT for r in d.readings for f in r.findings)
        if alert or sess.session.id in snap.alerts:
            flagged.add(len(rows))
        rows.append((f"D{sess.number}" if sess.number else "—",
                     fmt_date(sess.session.starts_at.date()),
                     number(d.details.dose_mg, "mg"),
                     f"{top.systolic}/{top.diastolic}" if top else NOT_RECORDED,
                     f"{min(spo2)} %" if spo2 else NOT_RECORDED,
                     str(max(hr)) if hr else NOT_RECORDED, str(len(readings))))
    out.append(Table(("Dose", "Date", "Dose (mg)", "Highest BP", "Lowest SpO2", "Highest HR",
                      "Readings"), rows, highlight_rows=flagged))
    alert_rows = []
    for sess in snap.sessions:
        for message in snap.alerts.get(int(sess.session.id or 0), ()):
            label = f"Dose {sess.number}" if sess.number else "Dosing"
            alert_rows.append((fmt_date(sess.session.starts_at.date()), label,
                               ctx.text(message)))
    if alert_rows:
        out.append(Paragraph("Every alert, respiratory depression and adverse effect:", "muted"))
        out.append(Table(("Date", "Session", "Alert or adverse effect"), alert_rows,
                         widths=(1.4, 1.2, 6), highlight_rows=set(range(len(alert_rows)))))
    else:
        out.append(Paragraph("No vitals alerts, respiratory depression or adverse effects "
                             "recorded in this course.", "muted"))
    out += override_blocks(snap, ctx)
    return out


def override_blocks(snap: CourseSnapshot, ctx: Context) -> list[Block]:
    """Every clinical rule gone past with a written reason (docs/CLINICAL-RULES.md), so a
    supervisor sees them without opening each note."""
    rows = []
    for sess in snap.sessions:
        if sess.dosing is None:
            continue
        label = f"Dose {sess.number}" if sess.number else "Dosing"
        for o in sess.dosing.overrides:
            rows.append((fmt_date(sess.session.starts_at.date()), label, o.message,
                         ctx.text(o.reason)))
    if not rows:
        return [Paragraph("No clinical rule was overridden in this course.", "muted")]
    return [Paragraph("Clinical rules overridden with a written reason:", "muted"),
            Table(("Date", "Session", "Rule", "Reason"), rows, widths=(1.4, 1.2, 3.4, 3.2),
                  possibly_identifying=True)]


def audit_blocks(snap: CourseSnapshot, ctx: Context, level: int) -> list[Block]:
    if snap.audit is None:
        return []
    # Events in the words the audit windows use (one source: kapnotes/domain/audit_events.py);
    # the window's tooltip shows the name each was recorded under, for whoever checks the log.
    rows = [(utc_text(a.at_utc), event_label(a.event), f"{a.record_type} {a.record_id}".strip(),
             a.clinician or "—", a.outcome, a.detail or "—") for a in snap.audit]
    return [Heading("Audit log for this course", level),
            Paragraph("Times in UTC. Entries concern this client, this course and its "
                      "sessions; they never hold note text. Events are named as in the "
                      "vault's audit window.", "muted"),
            Table(("When (UTC)", "Event", "Record", "Clinician", "Outcome", "Detail"), rows,
                  widths=(1.9, 2.2, 1.1, 1.3, 1.1, 2.6))]


def notes_blocks(snap: CourseSnapshot, ctx: Context, level: int) -> list[Block]:
    out: list[Block] = [PageBreak(), Heading("Session notes", level)]
    if not snap.sessions:
        return [*out, Paragraph("No sessions recorded yet.", "muted")]
    signed = sum(1 for s in snap.sessions if s.session.signed)
    out.append(Paragraph(f"{plural(len(snap.sessions), 'session')} in date order; {signed} signed, "
                         f"{len(snap.sessions) - signed} draft.", "muted"))
    label = course_label(snap.course)
    for i, sess in enumerate(snap.sessions):
        if i:
            out.append(PageBreak())
        out += session_blocks(sess, ctx, level=min(level + 1, 3), course_label=label)
    return out
