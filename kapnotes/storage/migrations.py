"""Ordered schema migrations, each in its own transaction with `user_version` bumped inside it.

A vault is copied (still encrypted) into its backups folder before any migration runs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kapnotes.storage.schema import (
    m001_core,
    m002_monitoring,
    m003_course_outcomes,
    m004_next_planned_indexes,
    m005_measure_dose_timing,
    m006_dose_rules,
    m007_integrity,
    m008_client_other_names,
    m009_vitals_corrections,
    m010_search_what_was_written,
    m011_seal_forms,
    m012_s8_register,
    m013_course_dose_interval,
    m014_reviews,
    m015_approvals,
    m016_review_section_comments,
    m017_session_events,
    m018_consents,
    m019_supervision_given,
    m020_sync,
    m021_sync_inbox_waits_for,
    m022_sync_voided,
    m023_sync_refill,
    m024_sync_consents_screens,
    m025_sync_void_reasons,
    m026_share_register_and_audit,
    m027_sync_slots,
    m028_sync_approvals,
    m029_sync_solo_deletions,
)


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    apply: Callable[[Any], None]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "core: clients, courses, sessions, search, audit", m001_core.migrate),
    Migration(2, "dosing monitoring: screening, record, vitals", m002_monitoring.migrate),
    Migration(3, "course outcomes: intentions, themes, measures", m003_course_outcomes.migrate),
    Migration(4, "client list: indexes for the next planned session",
              m004_next_planned_indexes.migrate),
    Migration(5, "measures: before or after the dose", m005_measure_dose_timing.migrate),
    Migration(6, "dose rules: client weights, infusion end, boosters, rule overrides",
              m006_dose_rules.migrate),
    Migration(7, "integrity: seals of signed notes, keyed audit chain, signature triggers",
              m007_integrity.migrate),
    Migration(8, "clients: other names (family, nicknames) for de-identification",
              m008_client_other_names.migrate),
    Migration(9, "vitals: confirmed extremes, corrections, strikes, entry time",
              m009_vitals_corrections.migrate),
    Migration(10, "search: ticked options only, monitoring records, client medicines",
              m010_search_what_was_written.migrate),
    Migration(11, "seals: the canonical form each seal was made in", m011_seal_forms.migrate),
    Migration(12, "Schedule 8 register: registers per product, append-only entries",
              m012_s8_register.migrate),
    Migration(13, "courses: the dosing interval in its own field",
              m013_course_dose_interval.migrate),
    Migration(14, "reviews: identity keys, requests, replies, review records, supervision log",
              m014_reviews.migrate),
    Migration(15, "approvals: permits, authorities, authorisations; PBS eligibility details",
              m015_approvals.migrate),
    Migration(16, "reviews: section comments leave with the clients their request was about",
              m016_review_section_comments.migrate),
    Migration(17, "session event log: time-stamped entries, locked with the note",
              m017_session_events.migrate),
    Migration(18, "consent records from versioned templates, withdrawal final",
              m018_consents.migrate),
    Migration(19, "supervision log: sessions given (a supervisor's sent replies) beside received",
              m019_supervision_given.migrate),
    Migration(20, "practice sync: row UUIDs, changed rows, outbox, conflict copies, reviews",
              m020_sync.migrate),
    Migration(21, "practice sync: a waiting pulled row names the row it waits for",
              m021_sync_inbox_waits_for.migrate),
    Migration(22, "practice sync: the rows known to be voided on the server",
              m022_sync_voided.migrate),
    Migration(23, "practice sync: clients to pull again after a deletion the server refused",
              m023_sync_refill.migrate),
    Migration(24, "practice sync: consents and contraindication screens shared",
              m024_sync_consents_screens.migrate),
    Migration(25, "practice sync: deletions carry their reason; drafts written here kept",
              m025_sync_void_reasons.migrate),
    Migration(26, "practice sync: register entries and audit entries shared, insert-only",
              m026_share_register_and_audit.migrate),
    Migration(27, "practice sync: a course's planned slots shared with it",
              m027_sync_slots.migrate),
    Migration(28, "practice sync: a client's approvals shared", m028_sync_approvals.migrate),
    Migration(29, "practice sync: deletions made while not joined go at the re-join",
              m029_sync_solo_deletions.migrate),
)
LATEST_VERSION = MIGRATIONS[-1].version


def pending(current: int, *, stop_before: int | None = None) -> list[Migration]:
    return [
        m
        for m in MIGRATIONS
        if m.version > current and (stop_before is None or m.version < stop_before)
    ]


def migrate(conn: Any, *, stop_before: int | None = None,
            migrations: tuple[Migration, ...] | None = None) -> int:
    """Apply pending migrations in order; a failing one rolls back and keeps its predecessor."""
    steps = migrations if migrations is not None else MIGRATIONS
    current = int(conn.execute("PRAGMA user_version").fetchone()[0])
    for m in steps:
        if m.version <= current or (stop_before is not None and m.version >= stop_before):
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            m.apply(conn)
            conn.execute(f"PRAGMA user_version = {int(m.version)}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        current = m.version
    return current
