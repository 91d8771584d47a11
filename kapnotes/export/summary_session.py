"""One session note as report blocks: heading, signature state, details, the template's fields
in order, the monitoring record of a dosing session, addenda."""

from __future__ import annotations

from kapnotes.domain.dosing_record import Medication
from kapnotes.domain.models import SessionKind
from kapnotes.domain.monitoring import moaas_label
from kapnotes.domain.risk import banner_lines, quiet_line
from kapnotes.domain.templates import (
    FieldType,
    TemplateField,
    is_review_checklist,
    render_rows,
    review_checklist_text,
)
from kapnotes.domain.vitals import Severity
from kapnotes.export.report import (
    Banner,
    Block,
    DraftMark,
    Heading,
    KeyValues,
    Paragraph,
    Table,
)
from kapnotes.export.snapshot import DosingSnapshot, SessionSnapshot
from kapnotes.export.summary_common import (
    NOT_RECORDED,
    Context,
    fmt_date,
    fmt_datetime,
    fmt_time,
    minutes_between,
    number,
    yes_no,
)
from kapnotes.export.summary_events import event_blocks
from kapnotes.export.summary_reviews import review_blocks

# Field types whose values are typed by the therapist (so may name people or places).
FREE_TEXT = {FieldType.SHORT_TEXT, FieldType.LONG_TEXT, FieldType.REPEATING_LIST,
             FieldType.THEMES, FieldType.INTENTIONS_REVIEW}
TEXT_FIELDS = {FieldType.SHORT_TEXT, FieldType.LONG_TEXT}
FIELD_COLUMN = {"blood_pressure": 3, "heart_rate": 4, "spo2": 5}


def session_title(snap: SessionSnapshot) -> str:
    """`Dosing session 3 · 12 Nov 2026` (the number counts sessions of that kind)."""
    number_part = f" {snap.number}" if snap.number else ""
    return (f"{snap.kind.label} session{number_part} · "
            f"{fmt_date(snap.session.starts_at.date())}")


def session_blocks(snap: SessionSnapshot, ctx: Context, *, level: int = 1,
                   course_label: str = "") -> list[Block]:
    """A note; `level` is its heading level (1 alone, deeper inside a course summary)."""
    sub = min(level + 1, 3)
    s = snap.session
    crumbs = [ctx.who] + ([course_label] if course_label else []) + [session_title(snap)]
    blocks: list[Block] = [
        Heading(session_title(snap), level),
        Paragraph(" › ".join(crumbs), "muted"),
    ]
    blocks += signature_blocks(snap, ctx)
    blocks.append(KeyValues(details_rows(snap)))
    blocks += measure_blocks(snap)
    blocks += field_blocks(snap, ctx, sub)
    if s.kind is SessionKind.DOSING:
        blocks.append(Heading("Monitoring record", sub))
        if snap.dosing is None:
            blocks.append(Paragraph("No monitoring record was kept for this session.", "warning"))
        else:
            blocks += dosing_blocks(snap.dosing, ctx, min(sub + 1, 3))
    blocks += event_blocks(snap, ctx, sub)
    blocks += addenda_blocks(snap, ctx, sub)
    blocks += review_blocks(snap, ctx, sub)
    return blocks


def signature_blocks(snap: SessionSnapshot, ctx: Context) -> list[Block]:
    s = snap.session
    if not s.signed:
        return [DraftMark("DRAFT — not signed: this note may still change")]
    out: list[Block] = [Paragraph(f"Signed by {s.signed_by} on {fmt_datetime(s.signed_at)}. "
                                  "Locked: later changes appear below as dated addenda."),
                        seal_paragraph(snap.seal)]
    if s.sign_reason.strip():
        answered = "; ".join(snap.sign_answered)
        out.append(Paragraph(f"Signed with a written reason for: {answered}." if answered
                             else "Signed with a written reason:", "muted"))
        out.append(ctx.free(s.sign_reason))
    return out


def short_digest(digest: str) -> str:
    """The first 64 bits of a seal digest in four groups (as `kapnotes check` shows them)."""
    head = digest[:16].upper()
    return " ".join(head[i:i + 4] for i in range(0, 16, 4))


def seal_paragraph(seal: tuple[str, str, bool] | None) -> Paragraph:
    """The line under the signature: the digest of the note as printed, so a copy whose seal
    differs is not the same note; a warning when it no longer matches its signing."""
    if seal is None:
        return Paragraph("Seal: none recorded for this note.", "warning")
    as_signed, newest, intact = seal
    text = f"Seal {short_digest(as_signed)}"
    if newest != as_signed:
        text += f"; with its addenda {short_digest(newest)}"
    if not intact:
        return Paragraph(text + ". WARNING: this note no longer matches the seal made when it "
                         "was signed; it was changed outside KAP Notes (run kapnotes check).",
                         "warning")
    return Paragraph(text + " (a copy with another seal is not this note as signed).",
                     "muted")


def details_rows(snap: SessionSnapshot) -> list[tuple[str, str]]:
    s = snap.session
    rows = [
        ("Date and time", f"{fmt_datetime(s.starts_at)} ({s.duration_min} min)"),
        ("Clinician", s.clinician or NOT_RECORDED),
        ("Modality", s.modality.label),
    ]
    if s.kind is SessionKind.INTEGRATION:
        rows.append(("Linked dosing session", snap.linked_dose or "None linked"))
    rows.append(("Template", f"{snap.template.title} (version {snap.template.version})"))
    return rows


def measure_blocks(snap: SessionSnapshot) -> list[Block]:
    out: list[Block] = []
    rows = []
    for m in snap.measures:
        name = snap.scale_names.get(m.scale_id, m.scale_id)
        if m.total is not None:
            value = f"{number(m.total)}" + (f" ({m.band})" if m.band else "")
        else:
            value = m.risk_level or NOT_RECORDED
        if m.total_only:
            value += " — total only, items not entered"
        note = snap.measure_notes.get(m.id, "")
        if note:
            value += f" — {note}"
        rows.append((f"{name}, {fmt_date(m.taken_on)}", value))
    if rows:
        out.append(KeyValues(rows))
    for flag in snap.risk_flags:
        out.append(Banner(f"{flag.scale_name} {fmt_date(flag.taken_on)}: {flag.label}", "alert"))
    return out


def field_blocks(snap: SessionSnapshot, ctx: Context, level: int) -> list[Block]:
    """The template's fields in order: headings as headings, the fields between as one
    label/value list (private fields only when included, and labelled so)."""
    include = ctx.options.include_private
    fields = [f for f in snap.template.fields if include or not f.private]
    rows = render_rows(snap.template, snap.values, include,
                       intention_labels=snap.intention_labels)
    out: list[Block] = []
    pending: list[tuple[str, str]] = []
    free = False
    risk_group = False  # the group holds the clinician's risk review: show scale risk after it

    def flush() -> None:
        nonlocal pending, free, risk_group
        if pending:
            out.append(KeyValues(pending, possibly_identifying=free))
        if risk_group:
            out.extend(scale_risk_beside(snap))
        pending, free, risk_group = [], False, False

    for f, row in zip(fields, rows, strict=True):
        label = f"{row.label} (private)" if row.is_private else row.label
        if row.is_heading:
            flush()
            out.append(Heading(label, level, bookmark=False))
            continue
        is_free = f.type in FREE_TEXT
        free = free or is_free
        risk_group = risk_group or _is_risk_review(f)
        text = ctx.text(row.text) if is_free else row.text
        if is_review_checklist(f):
            text = review_checklist_text(f, snap.values.get(f.id))
        pending.append((label, text if text.strip() else NOT_RECORDED))
        if risk_group and f.type in TEXT_FIELDS and "risk" in f.label.casefold():
            flush()  # the clinician's risk statement: the scales' risk goes right under it
    flush()
    return out


def _is_risk_review(f: TemplateField) -> bool:
    return is_review_checklist(f) and any("suicid" in o.label.casefold() for o in f.options)


def scale_risk_beside(snap: SessionSnapshot) -> list[Block]:
    """What the rating scales said on the note's date, beside the clinician's risk statement,
    so "denies SI" next to a PHQ-9 item 9 of 1 is seen as the two records side by side."""
    risk = snap.scale_risk
    if risk is None:
        return []
    day = snap.session.starts_at.date()
    out: list[Block] = [Paragraph(f"Rating scales up to {fmt_date(day)}, for comparison with "
                                  "the risk review above:", "muted")]
    lines = banner_lines(risk, fmt_date)
    if lines:
        out.append(Banner("\n".join(lines), "alert" if risk.flags else "warning"))
    quiet = quiet_line(risk)
    if quiet:
        out.append(Paragraph(quiet, "muted"))
    return out


def dosing_blocks(d: DosingSnapshot, ctx: Context, level: int) -> list[Block]:
    out: list[Block] = []
    out += acknowledgement_blocks(d)
    out.append(KeyValues(record_rows(d, ctx), possibly_identifying=bool(d.details.interventions)))
    out += rule_blocks(d, ctx)
    out.append(Heading("Vitals", level, bookmark=False))
    out.append(vitals_table(d))
    out.append(Heading("Sedation and dissociation", level, bookmark=False))
    out.append(observations_table(d, ctx))
    out.append(Heading("Adverse effects", level, bookmark=False))
    out.append(adverse_table(d, ctx))
    return out


def acknowledgement_blocks(d: DosingSnapshot) -> list[Block]:
    """Which screening warnings were acknowledged before dosing, by whom and when: the text
    each warning had at that moment (kept with the acknowledgement), not today's."""
    out: list[Block] = []
    for ack in d.acknowledgements:
        head = (f"Screening warnings acknowledged by {ack.acknowledged_by} on "
                f"{fmt_datetime(ack.acknowledged_at)}, before dosing")
        if not ack.warnings:
            out.append(Paragraph(head + ": no warning was showing.", "muted"))
            continue
        # A one-column table: its header (who, when) stays with the warnings and repeats
        # if they run onto the next page.
        out.append(Table((f"{head} ({len(ack.warnings)})",), [(w,) for w in ack.warnings],
                         possibly_identifying=True))
    return out


def record_rows(d: DosingSnapshot, ctx: Context) -> list[tuple[str, str]]:
    det = d.details
    first = d.first_device_at
    dose = number(det.dose_mg, "mg")
    if det.medication is Medication.ESKETAMINE and det.dose_mg:
        dose += f" ({int(det.dose_mg // 28)} × 28 mg devices)"
    devices = ", ".join(f"{fmt_time(t.given_at)} (minute {minutes_between(first, t.given_at)})"
                        for t in d.devices) or "Not recorded"
    monitored = minutes_between(first, det.ended_at)
    duration = NOT_RECORDED if monitored is None else f"{monitored} min from the first device"
    if monitored is not None and monitored < d.minimum_minutes:
        duration += f" — under the {d.minimum_minutes}-minute minimum"
    escort = det.escort or NOT_RECORDED
    if ctx.deidentified and det.escort:
        escort = "Recorded (left out: de-identified export)"
    return [
        ("Medication", det.medication.label if det.medication else NOT_RECORDED),
        ("Route", det.route.label if det.route else NOT_RECORDED),
        ("Dose", dose),
        ("Weight", number(det.weight_kg, "kg")),
        ("Dose per kg", number(round(d.mg_per_kg, 2), "mg/kg") if d.mg_per_kg else NOT_RECORDED),
        ("Devices / start of dose", devices),
        *infusion_rows(d),
        ("Lot number", det.lot_number or NOT_RECORDED),
        ("Monitoring clinician", det.monitoring_clinician or NOT_RECORDED),
        ("Setting", ctx.text(det.setting) or NOT_RECORDED),
        ("Fasting: no food 2 h", yes_no(det.fasting_food)),
        ("Fasting: no liquids 30 min", yes_no(det.fasting_liquids)),
        ("Contraindication screen reviewed", yes_no(det.screen_reviewed)),
        ("Pre-dose vitals acceptable", yes_no(det.predose_vitals_ok)),
        ("Respiratory depression", yes_no(det.respiratory_depression)),
        ("Interventions", ctx.text(det.interventions) or NOT_RECORDED),
        ("Monitoring ended", fmt_time(det.ended_at)),
        ("Monitoring duration", duration),
        ("Ready to leave without the 2-hour minimum",
         number(det.ready_to_leave_minutes, "min")),
        ("Vitals acceptable at discharge", yes_no(det.discharge_vitals_ok)),
        ("Escort", escort),
        ("No driving until the next day advised", yes_no(det.no_driving_advised)),
    ]


def vitals_table(d: DosingSnapshot) -> Table:
    """Each reading with its minute from the first device; alerts tinted, the value darker."""
    rows, alert_rows, cells = [], set(), set()
    for i, stored in enumerate(d.readings):
        r = stored.reading
        minute = minutes_between(d.first_device_at, r.taken_at)
        bp = f"{r.systolic}/{r.diastolic}" if r.has_blood_pressure else NOT_RECORDED
        notes = [f.message for f in stored.findings]
        if r.confirmed_unusual:
            notes.insert(0, "Unusual value confirmed by the clinician.")
        if stored.corrects_id is not None:
            notes.insert(0, "Corrects an earlier entry (original kept in the record).")
        findings = " ".join(notes)
        rows.append((fmt_time(r.taken_at), NOT_RECORDED if minute is None else str(minute),
                     r.role.label, bp, number(r.heart_rate), number(r.spo2, "%"),
                     findings or "—"))
        for f in stored.findings:
            if f.severity is Severity.ALERT:
                alert_rows.add(i)
            if f.field in FIELD_COLUMN:
                cells.add((i, FIELD_COLUMN[f.field]))
    return Table(("Time", "Minute", "Reading", "BP (mmHg)", "HR (/min)", "SpO2", "Findings"),
                 rows, widths=(1, 1.15, 2.2, 1.3, 1, 0.9, 3.4), highlight_rows=alert_rows,
                 highlight_cells=cells)


def observations_table(d: DosingSnapshot, ctx: Context) -> Table:
    rows = []
    for stored in d.observations:
        o = stored.observation
        minute = minutes_between(d.first_device_at, o.observed_at)
        rows.append((fmt_time(o.observed_at), NOT_RECORDED if minute is None else str(minute),
                     f"{o.moaas} — {moaas_label(o.moaas)}", o.dissociation.value.capitalize(),
                     number(o.cadss_total), ctx.text(o.note) or "—"))
    return Table(("Time", "Minute", "MOAA/S", "Dissociation", "CADSS", "Note"), rows,
                 widths=(1, 1.15, 3, 1.75, 1, 2.8), possibly_identifying=any(r[5] != "—"
                                                                             for r in rows))


def adverse_table(d: DosingSnapshot, ctx: Context) -> Table:
    rows, serious = [], set()
    for i, stored in enumerate(d.adverse_effects):
        e = stored.entry
        rows.append((e.effect.label, e.severity.value.capitalize(),
                     "Yes — for reporting" if e.serious else "No",
                     ctx.text(e.note) or "—"))
        if e.serious:
            serious.add(i)
    return Table(("Effect", "Severity", "Serious", "Note"), rows, widths=(2, 1.2, 1.6, 4),
                 highlight_rows=serious, possibly_identifying=any(r[3] != "—" for r in rows))


def addenda_blocks(snap: SessionSnapshot, ctx: Context, level: int) -> list[Block]:
    if not snap.addenda:
        return []
    out: list[Block] = [Heading("Addenda", level, bookmark=False)]
    for a in snap.addenda:
        out.append(Paragraph(f"Addendum by {a.author}, {fmt_datetime(a.created_at)}", "muted"))
        out.append(ctx.free(a.text))
    return out


def infusion_rows(d: DosingSnapshot) -> list[tuple[str, str]]:
    """Infusion end (so "over 40 minutes" shows) and booster doses, when there are any."""
    rows = []
    end, first = d.details.infusion_end_at, d.first_device_at
    if end is not None:
        over = minutes_between(first, end)
        rows.append(("Infusion ended", fmt_time(end) + (f" (over {over} min)"
                                                        if over is not None else "")))
    if d.boosters:
        rows.append(("Booster doses", ", ".join(
            f"{b.dose_mg:g} mg at {fmt_time(b.given_at)}" for b in d.boosters)))
    return rows


def rule_blocks(d: DosingSnapshot, ctx: Context) -> list[Block]:
    """The clinical rules as the app applied them: dose warnings, reasons given to go past a
    rule (docs/CLINICAL-RULES.md), and for a draft what stands before signing."""
    out: list[Block] = []
    for text in d.rule_warnings:
        out.append(Banner(text, "warning"))
    for o in d.overrides:
        by = f" by {o.given_by}" if o.given_by else ""
        out.append(Paragraph(f"Rule overridden{by} at {fmt_datetime(o.given_at)}: {o.message}",
                             "warning"))
        out.append(Paragraph("Written reason:", "muted"))
        out.append(ctx.free(o.reason))
    if d.sign_refusals:
        out.append(Banner("Cannot be signed until fixed: " + " ".join(d.sign_refusals),
                          "alert"))
    if d.sign_needs_reason:
        out.append(Paragraph("Signing will need a written reason: "
                             + " ".join(d.sign_needs_reason), "muted"))
    return out
