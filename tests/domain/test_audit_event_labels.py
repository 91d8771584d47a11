"""Every event the app writes to the audit log is shown in words in the audit windows and the
course PDF's audit appendix (tests/services/test_audit_labels_pdf.py): the source is read for
every writer (tests/helpers/written_events.py), so a new event without a label fails here, not
in front of a practice manager. Events an older or newer version wrote
are shown as recorded."""

from __future__ import annotations

from helpers.written_events import written_events

from kapnotes.domain.audit_events import EVENT_FAMILIES, EVENT_LABELS, event_label
from kapnotes.domain.jurisdiction_model import EntryKind

WRITTEN = written_events()


def test_the_scan_finds_each_kind_of_writer() -> None:
    # A literal; a module constant (services/exports.py, storage/unlock_failures.py); both
    # arms of a conditional (services/clients.py); record_all's tuples (storage/sync_apply.py);
    # the keyed marker storage/audit.py builds itself; the f-string family (s8_register).
    assert {"consent_recorded", "export.pdf", "vault.unlock_failed", "session.edit",
            "client.archive", "client.unarchive", "practice.signed_note",
            "audit.keyed"} <= set(WRITTEN.events)
    assert any("sync_apply.py" in site for site in WRITTEN.events["practice.signed_note"])
    assert set(WRITTEN.families) == {"s8.entry."}
    assert len(WRITTEN.events) > 60


def test_every_written_event_can_be_read_from_the_source() -> None:
    # A writer whose event is built some other way cannot be checked: name it with a literal
    # or a module-level constant (or an f-string with a literal head, labelled as a family).
    assert WRITTEN.unreadable == []


def test_every_written_event_has_a_label() -> None:
    unlabelled = {event: sites for event, sites in sorted(WRITTEN.events.items())
                  if event_label(event) == event}
    assert unlabelled == {}
    assert set(WRITTEN.families) <= set(EVENT_FAMILIES)


def test_each_register_entry_is_named_by_its_kind() -> None:
    labels = {kind: event_label(f"s8.entry.{kind.value}") for kind in EntryKind}
    assert labels[EntryKind.ADMINISTRATION] == "Schedule 8 register entry: administration"
    assert labels[EntryKind.TRANSFER_IN] == "Schedule 8 register entry: transfer in"
    assert len(set(labels.values())) == len(EntryKind)


def test_labels_are_distinct_so_the_filter_tells_them_apart() -> None:
    assert len(set(EVENT_LABELS.values())) == len(EVENT_LABELS)
    assert all(label[0].isupper() and not label.endswith(".") for label in EVENT_LABELS.values())


def test_an_event_this_version_does_not_know_is_shown_as_recorded() -> None:
    assert event_label("client.teleport") == "client.teleport"
    assert event_label("s8.entry.levitation") == "s8.entry.levitation"
