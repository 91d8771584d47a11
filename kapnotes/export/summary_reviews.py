"""A note's supervision review as report blocks, printed after the note in every PDF that
shows it (session, course, packet): its review status, then each record imported from a
supervisor's signed reply (verdict, comment, co-signature), read-only and oldest first.
The records never edit the note; they are the supervisor's words beside it."""

from __future__ import annotations

from kapnotes.domain.dates import utc_text
from kapnotes.domain.review_model import ReviewStatus, Verdict
from kapnotes.export.report import Block, Heading, Paragraph
from kapnotes.export.snapshot import CourseSnapshot, ReviewEntry, SessionSnapshot
from kapnotes.export.summary_common import Context

HEADING = "Supervision review"
STATUS_WORDS = {
    ReviewStatus.AWAITING.value: "sent for supervision, awaiting review",
    ReviewStatus.CHANGES_REQUESTED.value: "changes requested by the supervisor",
    ReviewStatus.COSIGNED.value: "approved and co-signed by the supervisor",
    ReviewStatus.APPROVED.value: "approved by the supervisor",
}


def status_words(status: str) -> str:
    return STATUS_WORDS.get(status, "not sent for supervision")


def review_blocks(snap: SessionSnapshot, ctx: Context, level: int) -> list[Block]:
    """Nothing for a note never sent; else its status and every review record."""
    if not snap.review_status and not snap.reviews:
        return []
    out: list[Block] = [
        Heading(HEADING, level, bookmark=False),
        Paragraph(f"Review status: {status_words(snap.review_status)}. The records below "
                  "came signed in the supervisor's reply; they are read-only and never "
                  "change the note above.", "muted"),
    ]
    for entry in snap.reviews:
        out += _entry_blocks(entry, ctx)
    return out


def _entry_blocks(e: ReviewEntry, ctx: Context) -> list[Block]:
    when = utc_text(e.created_at)
    who = e.signer or "the supervisor"
    if e.kind == "cosignature":
        return [Paragraph(f"Co-signed by {who} (reply imported {when}).")]
    if e.kind == "verdict":
        try:
            verdict = Verdict(e.verdict).label
        except ValueError:
            verdict = e.verdict or "none given"
        changes = e.verdict == Verdict.CHANGES_REQUESTED.value
        return [Paragraph(f"Verdict: {verdict}, by {who} (reply imported {when}).",
                          "warning" if changes else "normal")]
    where = f" on “{e.section}”" if e.section else ""
    return [Paragraph(f"Comment by {who}{where} (reply imported {when}):", "muted"),
            ctx.free(e.text)]


def request_comment_blocks(snap: CourseSnapshot, ctx: Context, level: int) -> list[Block]:
    """Supervisors' comments on a whole request about this course's notes (none named)."""
    if not snap.review_comments:
        return []
    out: list[Block] = [Heading("Supervision comments", level),
                        Paragraph("Comments on the whole review request rather than one "
                                  "note, from the supervisors' signed replies; read-only.",
                                  "muted")]
    for entry in snap.review_comments:
        out += _entry_blocks(entry, ctx)
    return out
