"""The Outcomes section of a course summary: a chart per scale, the outcome table (baseline,
latest, change, response, remission, reliable worsening, relapse) and every rule it used, with
its source (the rules are `kapnotes.domain.outcome_rules`, data in resources/rules)."""

from __future__ import annotations

from datetime import date

from kapnotes.domain.course_items import OutcomeSeries
from kapnotes.export.report import (
    Block,
    Heading,
    LineChart,
    Marker,
    Paragraph,
    ReferenceLine,
    Series,
    Table,
)
from kapnotes.export.snapshot import CourseSnapshot
from kapnotes.export.summary_common import NOT_RECORDED, Context, fmt_date, number


def outcome_blocks(snap: CourseSnapshot, ctx: Context, level: int) -> list[Block]:
    out: list[Block] = [Heading("Outcomes", level)]
    o = snap.outcomes
    scored = [s for s in (o.series if o else ()) if s.outcome is not None and s.points]
    if o is None or not scored:
        return [*out, Paragraph("No rating-scale totals recorded in this course.", "muted")]
    doses = [Marker(f"D{n}", day) for n, day in enumerate(o.dosing_dates, 1)]
    for s in scored:
        out.append(outcome_chart(s, doses))
    rows = [outcome_row(s) for s in scored]
    worse = {i for i, s in enumerate(scored) if s.outcome and (
        s.outcome.deteriorated or s.outcome.relapsed or s.outcome.possible_relapse)}
    out.append(Table(("Scale", "Baseline", "Latest", "Change", "Response", "Remission",
                      "Worse (reliable)", "Relapse"), rows,
                     widths=(0.9, 1.7, 1.4, 1.1, 1.3, 1.3, 1.5, 1.7), highlight_rows=worse))
    for s in scored:
        for note in s.outcome.notes if s.outcome else ():
            out.append(Paragraph(f"{s.scale.short_name}: {note}", "muted"))
    out += rule_notes(scored)
    return out


def rule_notes(scored: list[OutcomeSeries]) -> list[Block]:
    """Each rule the table used, with its source, so a reader can check the judgement."""
    lines = ["Response: at least 50 % below baseline. Remission: below the scale's threshold. "
             "D1, D2 …: dosing sessions."]
    window = next((s.outcome.baseline_window_days for s in scored if s.outcome), None)
    if window is not None:
        lines.append(f"Baseline: the latest score within {window} days before the first "
                     "dose, taken before the dose on the first-dose day.")
    for s in scored:
        o = s.outcome
        if o is None:
            continue
        if o.reliable_change is not None:
            lines.append(f"{s.scale.short_name} worse (reliable): at least "
                         f"{o.reliable_change.min_points} points above baseline — "
                         f"{o.reliable_change.source}.")
        if o.relapse_rule is not None:
            lines.append(f"{s.scale.short_name} relapse: "
                         f"{o.relapse_rule.describe(s.scale.short_name)} — "
                         f"{o.relapse_rule.source}. One such score alone is a possible relapse.")
    return [Paragraph(line, "muted") for line in lines]


def outcome_chart(s: OutcomeSeries, doses: list[Marker]) -> LineChart:
    refs = []
    if s.response_line is not None:
        refs.append(ReferenceLine(f"Response ≤ {number(s.response_line)}", s.response_line))
    if s.remission_line is not None and s.scale.remission is not None:
        refs.append(ReferenceLine(f"Remission {s.scale.remission}", s.remission_line))
    return LineChart(
        title=f"{s.scale.short_name} over the course", x_label="Date", y_label="Total",
        series=(Series(s.scale.short_name, tuple((p.on, float(p.total)) for p in s.points)),),
        reference_lines=tuple(refs), markers=tuple(doses),
        y_min=float(s.scale.total_min), y_max=float(s.scale.total_max))


def outcome_row(s: OutcomeSeries) -> tuple[str, ...]:
    o = s.outcome
    assert o is not None
    base = "None"
    if o.baseline:
        timing = {"before_dose": ", before the dose"}.get(o.baseline.timing or "", "")
        base = f"{number(o.baseline.total)} ({fmt_date(o.baseline.on)}{timing})"
    latest = o.latest
    last = f"{number(latest.total)} ({fmt_date(latest.on)})" if latest else "No follow-up"
    change = NOT_RECORDED
    if o.change is not None:
        change = f"{o.change:+g}".replace("-", "−")
        if o.percent_change is not None:
            change += f" ({o.percent_change:+.0f} %)".replace("-", "−")

    def judged(flag: bool | None, first: date | None) -> str:
        if flag is None:
            return "Not known"
        return f"Yes, from {fmt_date(first)}" if flag else "No"

    worse = "Not judged" if o.deteriorated is None else "No"
    if o.deteriorated:
        first = next(p for p in o.points if p.deteriorated)
        worse = (f"Yes: {number(first.total)} on {fmt_date(first.on)} "
                 f"({first.change:+g} vs baseline)").replace("-", "−")
    if o.relapse_rule is None:
        relapse = "No rule for this scale"
    elif o.relapsed is None:
        relapse = "Not known"
    elif o.relapse_dates:
        relapse = "Yes, confirmed " + ", ".join(fmt_date(d) for d in o.relapse_dates)
    else:
        relapse = "No"
    if o.possible_relapse is not None:
        relapse += (f"; possible from {fmt_date(o.possible_relapse)} (awaiting a score "
                    f"{o.relapse_rule.min_gap_days}–{o.relapse_rule.max_gap_days} days later)"
                    if o.relapse_rule else "")
    return (s.scale.short_name, base, last, change, judged(o.responded, o.first_response_date),
            judged(o.remitted, o.first_remission_date), worse, relapse)
