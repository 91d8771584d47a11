"""The one-page overview that opens a course summary: what a supervisor needs first.

Protocol and progress (doses given against planned, missed), the outcome trend with response
and remission (the outcome rules of kapnotes/domain/outcome_rules.py, as the Outcomes section
shows them in full), open risk, alerts and adverse events, the state of each intention, the
leading themes and where the notes stand in supervision. Every list is bounded and ends with
"… and N more" so the overview stays on one page even for a long course; the details follow
on the next pages. `course_row` gives the same facts as one row of the supervision packet's
cross-client table.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from kapnotes.domain.course_items import OutcomeSeries
from kapnotes.domain.course_label import protocol_label
from kapnotes.domain.models import SessionKind
from kapnotes.domain.review_model import ReviewStatus
from kapnotes.domain.risk import RiskStatus, banner_lines, quiet_line
from kapnotes.export.report import Banner, Block, Heading, KeyValues, Paragraph, Table
from kapnotes.export.snapshot import CourseSnapshot
from kapnotes.export.summary_common import NOT_RECORDED, Context, fmt_date, number

HEADING = "Overview"
MAX_SCALES = 3
MAX_TREND = 4  # scores shown in a trend, the newest
MAX_ALERTS = 3
MAX_INTENTIONS = 5
MAX_THEMES = 4
MAX_RISK_LINES = 3
MAX_TEXT = 64  # characters of an intention or alert: one line in the overview
DETAILS = ("Details follow: client, screening, intentions, themes, outcomes, vitals, "
           "schedule, then every note.")


def more(count: int) -> str:
    return f"… and {count} more"


def clip(text: str, limit: int = MAX_TEXT) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit - 1].rstrip() + "…"


def overview_blocks(snap: CourseSnapshot, ctx: Context, level: int) -> list[Block]:
    out: list[Block] = [Heading(HEADING, level), KeyValues([
        ("Protocol", f"{protocol_label(snap.course.protocol)} · {snap.course.status.label}"),
        ("Progress", progress_text(snap, ctx)),
        ("Alerts and adverse events", alert_summary(snap)),
        ("Leading themes (sessions)", themes_text(snap, ctx)),
        ("Supervision review", review_text(snap)),
    ], possibly_identifying=True)]
    out += risk_blocks(snap.risk or RiskStatus(snap.risk_flags))
    out += outcome_overview(snap)
    out += alert_table(snap, ctx)
    out += intention_overview(snap, ctx)
    out.append(Paragraph(DETAILS, "muted"))
    return out


# -- progress ------------------------------------------------------------------------------
def dose_counts(snap: CourseSnapshot) -> tuple[int, int, int, int]:
    """(given, planned, missed, overdue) dosing slots of the plan."""
    doses = [s for s in snap.slots if s.kind is SessionKind.DOSING]
    given = sum(1 for s in doses if s.status == "done")
    planned = sum(1 for s in doses if not s.skipped)
    return (given, planned, sum(1 for s in doses if s.status == "missed"),
            sum(1 for s in doses if s.status == "overdue"))


def progress_text(snap: CourseSnapshot, ctx: Context) -> str:
    given, planned, missed, overdue = dose_counts(snap)
    text = f"Doses given {given} of {planned} planned; {missed} missed"
    text += f", {overdue} overdue." if overdue else "."
    a = snap.adherence
    if a is not None:
        text += (f" All sessions on {fmt_date(ctx.options.export_date)}: {a.done} of "
                 f"{a.planned_to_date} planned to date held, {a.missed} missed, "
                 f"{a.upcoming} still to come.")
    return text


def progress_cell(snap: CourseSnapshot) -> str:
    given, planned, missed, overdue = dose_counts(snap)
    late = f", {overdue} overdue" if overdue else ""
    return f"{given}/{planned} doses, {missed} missed{late}"


# -- outcomes ------------------------------------------------------------------------------
def scored(snap: CourseSnapshot) -> list[OutcomeSeries]:
    o = snap.outcomes
    return [s for s in (o.series if o else ()) if s.outcome is not None and s.points]


def trend(s: OutcomeSeries) -> str:
    totals = [number(p.total) for p in s.points]
    shown = " → ".join(totals[-MAX_TREND:])
    return ("… → " + shown) if len(totals) > MAX_TREND else shown


def judged(flag: bool | None) -> str:
    return "Not known" if flag is None else ("Yes" if flag else "No")


def outcome_overview(snap: CourseSnapshot) -> list[Block]:
    series = scored(snap)
    if not series:
        return [Paragraph("Outcomes: no rating-scale totals recorded in this course.", "muted")]
    rows = []
    for s in series[:MAX_SCALES]:
        o = s.outcome
        assert o is not None
        base = number(o.baseline.total) if o.baseline else "None"
        latest = f"{number(o.latest.total)} ({fmt_date(o.latest.on)})" if o.latest else "—"
        change = NOT_RECORDED if o.percent_change is None else (
            f"{o.percent_change:+.0f} %".replace("-", "−"))
        rows.append((s.scale.short_name, base, latest, change, trend(s),
                     judged(o.responded), judged(o.remitted)))
    if len(series) > MAX_SCALES:
        rows.append(("", "", "", "", more(len(series) - MAX_SCALES) + " scales", "", ""))
    worse = {i for i, s in enumerate(series[:MAX_SCALES]) if s.outcome and (
        s.outcome.deteriorated or s.outcome.relapsed or s.outcome.possible_relapse)}
    return [Table(("Scale", "Baseline", "Latest", "Change", "Trend", "Response", "Remission"),
                  rows, widths=(0.9, 1.05, 1.75, 0.95, 2.45, 1.15, 1.25), highlight_rows=worse)]


def outcome_cell(snap: CourseSnapshot) -> str:
    """The first scale's latest score against its baseline, with response/remission."""
    series = scored(snap)
    if not series:
        return "No scores"
    # A scale with a response rule (lower is better, baseline above 0) says most.
    s = next((x for x in series if x.response_line is not None), series[0])
    o = s.outcome
    assert o is not None
    name = s.scale.short_name
    if o.latest is None:
        return (f"{name} baseline {number(o.baseline.total)}, no follow-up yet" if o.baseline
                else f"{name}: no follow-up yet")
    if o.baseline is None:
        return f"{name} {number(o.latest.total)}, no baseline"
    text = f"{s.scale.short_name} {number(o.baseline.total)} → {number(o.latest.total)}"
    if o.remitted:
        text += ", remission"
    elif o.responded:
        text += ", response"
    return text


# -- risk and alerts -----------------------------------------------------------------------
def risk_blocks(risk: RiskStatus) -> list[Block]:
    lines = banner_lines(risk, fmt_date)
    if not lines:
        return [KeyValues([("Open risk", quiet_line(risk) or "No risk flag")])]
    shown = lines[:MAX_RISK_LINES]
    if len(lines) > MAX_RISK_LINES:
        shown.append(more(len(lines) - MAX_RISK_LINES))
    return [Banner("\n".join(["Open risk:", *shown]), "alert" if risk.flags else "warning")]


def risk_cell(snap: CourseSnapshot) -> str:
    risk = snap.risk or RiskStatus(snap.risk_flags)
    if risk.flags:
        return f"{len(risk.flags)} flag" + ("" if len(risk.flags) == 1 else "s")
    return "Not asked" if not risk.asked else "None"


def _alerts(snap: CourseSnapshot) -> list[tuple[str, str, str]]:
    rows = []
    for sess in snap.sessions:
        for message in snap.alerts.get(int(sess.session.id or 0), ()):
            label = f"Dose {sess.number}" if sess.number else "Dosing"
            rows.append((fmt_date(sess.session.starts_at.date()), label, message))
    return rows


def serious_effects(snap: CourseSnapshot) -> int:
    return sum(1 for s in snap.sessions if s.dosing for e in s.dosing.adverse_effects
               if e.entry.serious)


def alert_summary(snap: CourseSnapshot) -> str:
    alerts = _alerts(snap)
    if not alerts:
        return "None recorded in this course."
    sessions = len({a[:2] for a in alerts})
    serious = serious_effects(snap)
    return (f"{len(alerts)} in {sessions} dosing session" + ("" if sessions == 1 else "s")
            + f"; {serious} serious adverse effect" + ("" if serious == 1 else "s") + ".")


def alert_cell(snap: CourseSnapshot) -> str:
    count, serious = len(_alerts(snap)), serious_effects(snap)
    return str(count) + (f" ({serious} serious)" if serious else "")


def alert_table(snap: CourseSnapshot, ctx: Context) -> list[Block]:
    alerts = _alerts(snap)
    if not alerts:
        return []
    rows = [(day, label, clip(ctx.text(message))) for day, label, message in alerts[-MAX_ALERTS:]]
    if len(alerts) > MAX_ALERTS:
        rows.insert(0, ("", "", more(len(alerts) - MAX_ALERTS) + " earlier"))
    return [Table(("Date", "Session", "Alert or adverse effect (newest)"), rows,
                  widths=(1.4, 1.1, 6.1), highlight_rows=set(range(len(rows))))]


# -- intentions, themes, review ------------------------------------------------------------
def intention_overview(snap: CourseSnapshot, ctx: Context) -> list[Block]:
    m = snap.progress
    if m is None or not m.rows:
        return [Paragraph("Intentions: none recorded for this course.", "muted")]
    rows = []
    for n, r in enumerate(m.rows[:MAX_INTENTIONS], 1):
        series = m.progress_series(r.intention.id)
        latest = (f"{series[-1][1]}/10 on {fmt_date(series[-1][0])}" if series
                  else "Not reviewed")
        rows.append((f"I{n}", clip(ctx.text(r.intention.text)), r.intention.status.label,
                     latest))
    if len(m.rows) > MAX_INTENTIONS:
        rows.append(("", more(len(m.rows) - MAX_INTENTIONS), "", ""))
    return [Table(("#", "Intention", "Status", "Latest progress"), rows,
                  widths=(0.45, 5.45, 1.0, 1.9), possibly_identifying=True)]


def themes_text(snap: CourseSnapshot, ctx: Context) -> str:
    t = snap.themes
    if t is None or not t.rows:
        return "None recorded."
    ranked = sorted(t.rows, key=lambda r: (-r.sessions, -r.mentions, r.first_seen))
    parts = [f"{clip(ctx.text(r.name), 24)} ({r.sessions})" for r in ranked[:MAX_THEMES]]
    if len(ranked) > MAX_THEMES:
        parts.append(more(len(ranked) - MAX_THEMES))
    return ", ".join(parts)


def review_counts(statuses: Sequence[str]) -> Counter[str]:
    return Counter(s or ReviewStatus.NOT_SENT.value for s in statuses)


def review_text(snap: CourseSnapshot) -> str:
    if not snap.sessions:
        return "No notes yet."
    counts = review_counts([s.review_status for s in snap.sessions])
    signed = sum(1 for s in snap.sessions if s.session.signed)
    parts = [f"{counts[st.value]} {st.value}" for st in (
        ReviewStatus.COSIGNED, ReviewStatus.APPROVED, ReviewStatus.CHANGES_REQUESTED,
        ReviewStatus.AWAITING) if counts[st.value]]
    sent = ", ".join(parts) if parts else "none sent for supervision yet"
    return (f"{len(snap.sessions)} notes ({signed} signed): {sent}; "
            f"{counts[ReviewStatus.NOT_SENT.value]} not sent.")


def review_cell(snap: CourseSnapshot) -> str:
    counts = review_counts([s.review_status for s in snap.sessions])
    pending = counts[ReviewStatus.AWAITING.value] + counts[ReviewStatus.CHANGES_REQUESTED.value]
    done = counts[ReviewStatus.COSIGNED.value] + counts[ReviewStatus.APPROVED.value]
    if not pending and not done:
        return "Not sent"
    text = f"{done} reviewed"
    if counts[ReviewStatus.CHANGES_REQUESTED.value]:
        text += f", {counts[ReviewStatus.CHANGES_REQUESTED.value]} changes requested"
    if counts[ReviewStatus.AWAITING.value]:
        text += f", {counts[ReviewStatus.AWAITING.value]} awaiting"
    return text


def course_row(snap: CourseSnapshot, who: str) -> tuple[str, ...]:
    """One client's row of the supervision packet's cross-client overview table."""
    return (who, protocol_label(snap.course.protocol), progress_cell(snap), outcome_cell(snap),
            risk_cell(snap), alert_cell(snap), review_cell(snap))


PACKET_COLUMNS = ("Client", "Protocol", "Progress", "Latest outcome vs baseline", "Open risk",
                  "Alerts", "Review")
PACKET_WIDTHS = (1.2, 1.9, 1.5, 1.9, 0.9, 0.9, 1.3)
