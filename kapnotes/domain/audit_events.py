"""Audit events in words, as the audit windows and the course PDF's audit appendix show them
(the log keeps the recorded name). Here in the domain, free of Qt, so both read one source.

Every event the source writes has a label here: tests/domain/test_audit_event_labels.py reads
the writers out of the code and fails on one without. An event this version does not know (a
newer or older version wrote it) is shown as recorded.
"""

from __future__ import annotations

from kapnotes.domain.jurisdiction_model import EntryKind

EVENT_LABELS = {
    # The vault and its log
    "vault.create": "Vault created",
    "vault.unlock": "Vault unlocked",
    "vault.unlock_failed": "Failed unlock",
    "vault.rekey": "Passphrase changed and vault re-keyed",
    "vault.passphrase_change": "Passphrase changed",
    "vault.backup": "Backup copied to a chosen file",
    "vault.restore": "Backup restored",
    "audit.keyed": "Audit log keyed (HMAC from here on)",
    "settings.change": "Practice setting changed",
    "export.json": "Data exported (JSON)",
    "import.json": "Data imported (JSON)",
    # Clients
    "client.create": "Client added",
    "client.update": "Client details changed",
    "client.archive": "Client archived",
    "client.unarchive": "Client taken out of the archive",
    "client.delete": "Client deleted",
    "client.weight": "Weight recorded",
    "consent_recorded": "Consent recorded",
    "consent_withdrawn": "Consent withdrawn",
    "screen.save": "Screen saved",
    "approval.add": "Approval added",
    "approval.update": "Approval changed",
    "approval.delete": "Approval deleted",
    "pbs.trial.add": "PBS antidepressant trial added",
    "pbs.trial.delete": "PBS antidepressant trial removed",
    "pbs.details": "PBS sheet details changed",
    # Courses and what they hold
    "course.create": "Course started",
    "course.update": "Course changed",
    "course.status": "Course status changed",
    "intention.add": "Intention added",
    "intention.revise": "Intention revised",
    "intention.status": "Intention status changed",
    "theme.add": "Theme added",
    "theme.rename": "Theme renamed",
    "theme.merge": "Themes merged",
    "theme.delete": "Theme deleted",
    "measure.enter": "Measure entered",
    "measure.delete": "Measure deleted",
    # Sessions and notes
    "session.create": "Session created",
    "session.update": "Session details changed",
    "session.edit": "Draft note edited",
    "session.sign": "Note signed",
    "session.addendum": "Addendum added",
    "session.delete": "Session deleted",
    "screening.acknowledge": "Screening acknowledged",
    "rule.override": "Dose rule overridden",
    "vitals.confirm_unusual": "Unusual vital signs confirmed",
    "vitals.correct": "Vital signs corrected",
    "vitals.strike": "Vital signs struck out",
    # Schedule 8 register (its entries: EVENT_FAMILIES)
    "s8.register.open": "Schedule 8 register opened",
    # Exports and reports
    "export.pdf": "PDF exported",
    "export.report": "Regulator report exported",
    # Supervision
    "review.request": "Sent for supervision review",
    "review.import": "Supervisor's reply imported",
    "review.answer": "Requested changes answered",
    "review.pin": "Supervisor's key pinned",
    "review.trust": "Supervisor's new key trusted",
    "review.reply": "Review reply sent (as supervisor)",
    "supervision.log": "Supervision session logged",
    "supervision.remove": "Supervision session removed",
    "supervision.given": "Supervision given recorded",
    # The practice server
    "practice.join": "Joined the practice server",
    "practice.leave": "Left the practice server",
    "practice.signed_note": "Note signed on another workstation",
    "practice.late_reading": "Late vitals reading added",
    "practice.conflict": "Sync conflict: copy kept",
    "practice.conflict_resolved": "Sync conflict resolved",
    "practice.field_review": "Conflicting change reviewed",
    "practice.refusal_dismissed": "Server refusal dismissed",
    "practice.remove": "Deleted on another workstation",
    "practice.purge": "Notes removed: left the care team",
}

# Events written with a variable tail (`f"s8.entry.{kind}"`): head → the tail in words.
EVENT_FAMILIES = {
    "s8.entry.": ("Schedule 8 register entry: ",
                  {kind.value: kind.label.lower() for kind in EntryKind}),
}


def event_label(event: str) -> str:
    """The event in words; an event this version does not know is shown as recorded."""
    if (label := EVENT_LABELS.get(event)) is not None:
        return label
    for head, (words, tails) in EVENT_FAMILIES.items():
        if event.startswith(head) and (tail := tails.get(event[len(head):])) is not None:
            return words + tail
    return event
