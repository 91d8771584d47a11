"""What `kapnotes check` verifies beyond SQLite's own checks: the records themselves.

- The audit chain (keyed HMAC since schema 7) holds from its first entry to its last.
- Every signed note and addendum matches its seal (kapnotes.storage.seals; all checked at
  once by kapnotes.storage.seal_check), and every note the keyed log says was signed still
  has its seal.
- Audit entries received from other workstations of a practice (kept apart from the log)
  are checked against their shared chain; a break is said as a note, since they came so.
- The log agrees with the newest backup's: a log cut short, emptied or rebuilt after that
  backup no longer contains the backup's newest entry. A restore from an older backup is the
  one legitimate way the log leaves a backup's line, and its `vault.restore` entry says so.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kapnotes.domain.errors import KapNotesError
from kapnotes.storage import audit, keyfile, seal_check, seals
from kapnotes.storage.backups import list_backups
from kapnotes.storage.vault import Error, Vault, connect_keyed
from kapnotes.storage.vault_secrets import PURPOSE_AUDIT, derived_key

RESTORE_EVENT = "vault.restore"


@dataclass
class TamperReport:
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # said, but not failures


def check_records(vault: Vault, *, passphrase: str | None = None) -> TamperReport:
    report = TamperReport()
    if derived_key(vault, PURPOSE_AUDIT) is None:  # schema before 7
        report.notes.append("this vault predates sealed notes and the keyed audit log; open "
                            "it once with this KAP Notes to upgrade it")
        return report
    log = audit.entries(vault)  # read once: the chain, the signed notes, the backup's log
    report.problems += audit.chain_problems(vault, log)
    found = seals.seals_of(vault)
    report.problems += seal_check.problems(vault, found)
    sealed = {s.session_id for s in found}
    for sid in sorted(audit.signed_session_ids(vault, log) - sealed):
        report.problems.append(f"note {sid} was signed (audit log) but it and its seal are "
                               "gone")
    _compare_with_newest_backup(vault, passphrase, report, log)
    _check_remote_audit(vault, report)
    return report


def _check_remote_audit(vault: Vault, report: TamperReport) -> None:
    """Other workstations' audit entries (schema step 026) whose shared chain does not hold:
    said, not a failure of this vault (they came so from the practice server)."""
    if vault.query_one("SELECT 1 FROM sqlite_master WHERE name = 'audit_remote'") is None \
            or vault.query_one("SELECT 1 FROM audit_remote LIMIT 1") is None:
        return
    from kapnotes.storage.sync_audit import remote_chain_problems  # only a joined vault's

    report.notes += [f"{p} (received from the practice server)"
                     for p in remote_chain_problems(vault)]


def _compare_with_newest_backup(vault: Vault, passphrase: str | None,
                                report: TamperReport, log: list[audit.AuditEntry]) -> None:
    found = list_backups(vault.path)
    if not found:
        report.notes.append("no backup in the backups folder yet to compare the audit log with")
        return
    for info in found:
        theirs = _backup_log(info.path, vault, passphrase)
        if theirs is None:
            continue
        ours = {e.id: (e.hash, e.event) for e in log}
        for entry_id, their_hash in theirs:
            mine = ours.get(entry_id)
            if mine is not None and mine[0] == their_hash:
                continue
            if mine is not None and mine[1] == RESTORE_EVENT:
                break  # restored from an older backup here: the line forks on purpose
            what = "is missing" if mine is None else "differs"
            report.problems.append(
                f"audit log entry {entry_id} {what} compared with the newest backup "
                f"{info.path.name}: the log was cut short or rewritten after that backup")
            break
        else:
            count = len(theirs)
            report.notes.append(f"audit log agrees with the newest backup {info.path.name} "
                                f"({count} entries then, {len(ours)} now)")
        return
    report.notes.append("no backup this passphrase opens, so the audit log was not compared "
                        "with one")


def _keys_for(path: Path, vault: Vault, passphrase: str | None) -> Iterator[bytes]:
    """The vault's own key, then (only if that one did not open the backup) the key the
    backup's key file gives: a second key derivation (~0.15–0.3 s) only when needed."""
    if vault.data_key is not None:
        yield vault.data_key
    if passphrase is not None:  # a backup from before a re-key opens with its own key file
        try:
            own = keyfile.read_key_file(keyfile.key_file_for(path)).unlock(passphrase=passphrase)
        except (KapNotesError, OSError):
            return
        yield own


def _backup_log(path: Path, vault: Vault, passphrase: str | None) -> list[tuple[int, str]] | None:
    """(id, hash) of every entry in a backup's log, or None when it cannot be read."""
    for key in _keys_for(path, vault, passphrase):
        try:
            conn = connect_keyed(path, key)
        except Error:
            continue
        try:
            rows = conn.execute("SELECT id, hash FROM audit_log ORDER BY id").fetchall()
            return [(int(r[0]), str(r[1])) for r in rows]
        except Error:
            continue
        finally:
            conn.close()
    return None
