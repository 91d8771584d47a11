"""Autosave for one note: nothing ever asks "save?", and nothing typed is silently lost.

Rules (docs/UX.md, "A dosing morning": observations typed during the session save themselves):
- a save runs `debounce_ms` after typing pauses, and at most `max_latency_ms` after the first
  unsaved edit even while typing goes on (a slow typist and a fast one lose the same little);
- `flush()` saves at once (focus leaving a field, switching session or client, lock, close);
- a failed write keeps every pending value (the text is still in the editor) and is retried on
  the next edit and every `retry_ms`.

Validation: `NoteService.save_fields` is all-or-nothing. When a batch is refused, each field is
saved on its own, so one out-of-range number does not hold back the prose typed beside it; the
refused field stays pending, is named under the field and in the status bar, and is not tried
again until it is edited. This controller holds no SQL; it only calls `save_fields`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from PySide6.QtCore import QObject, QTimer, Signal

from kapnotes.domain.errors import (
    ConflictError,
    NotFoundError,
    StorageWriteError,
    ValidationError,
    VaultError,
)

SAVED = "Saved"
SAVING = "Saving…"
UNSAVED = "Unsaved changes"
NOT_SAVED = "Not saved: "

# A closed or otherwise unusable vault (VaultError, e.g. VaultUnavailableError) is not a
# StorageWriteError; for the person typing it is the same thing: the text is not stored yet.
UNREACHABLE = ("The vault could not be written (it is closed or unavailable). Your text is "
               "still in the editor and will be saved again.")


class NoteSaver(Protocol):
    def save_fields(self, session_id: int, changes: Mapping[str, object], *,
                    based_on: Mapping[str, object] | None = None) -> object: ...


class AutosaveController(QObject):
    """Collects edited field values of one session and saves them through `notes.save_fields`."""

    state_changed = Signal(str)  # SAVED, SAVING, UNSAVED or "Not saved: <message>"
    field_invalid = Signal(str, str)  # field id, plain message naming the field
    field_valid = Signal(str)  # field id whose earlier problem is gone (it was saved)
    saved = Signal(list)  # field ids just written
    kept_aside = Signal(list)  # field ids kept as a conflict copy: a sync rewrote them meanwhile

    def __init__(
        self,
        notes: NoteSaver,
        session_id: int,
        *,
        debounce_ms: int = 1000,
        max_latency_ms: int = 2000,
        retry_ms: int = 5000,
        based_on: Mapping[str, Any] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.notes = notes
        self.session_id = session_id
        # The stored values the typing builds on (the note as loaded, then as saved): a field
        # stored differently meanwhile was rewritten by a sync and is not written over.
        self._base: dict[str, Any] | None = dict(based_on) if based_on is not None else None
        self._pending: dict[str, Any] = {}
        self._invalid: dict[str, tuple[Any, str]] = {}  # field id -> (refused value, message)
        self._state = SAVED
        self._locked = ""  # set when the note can no longer be written (signed, deleted)
        self._debounce = self._timer(debounce_ms)
        self._max_latency = self._timer(max_latency_ms)
        self._retry = self._timer(retry_ms)

    def _timer(self, interval_ms: int) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(interval_ms)
        timer.timeout.connect(self.flush)
        return timer

    # -- public ----------------------------------------------------------------------------
    @property
    def state(self) -> str:
        return self._state

    def pending(self) -> dict[str, Any]:
        """Values edited but not yet stored (a copy)."""
        return dict(self._pending)

    def has_unsaved(self) -> bool:
        return bool(self._pending)

    def invalid_fields(self) -> dict[str, str]:
        return {field_id: message for field_id, (_, message) in self._invalid.items()}

    def set_value(self, field_id: str, value: Any) -> None:
        """Record an edit; the save follows the debounce and max-latency rules."""
        if self._locked:
            self._set_state(NOT_SAVED + self._locked)
            return
        self._pending[field_id] = value
        self._debounce.start()  # restarted by every keystroke: "a pause in typing"
        if not self._max_latency.isActive():
            self._max_latency.start()  # not restarted: bounds the wait while typing goes on
        self._set_state(UNSAVED)

    def flush(self) -> bool:
        """Save everything pending now; True when nothing is left unsaved."""
        self._debounce.stop()
        self._max_latency.stop()
        self._retry.stop()
        batch = {k: v for k, v in self._pending.items() if not self._still_refused(k, v)}
        if not batch:
            self._settle()
            return not self._pending
        self._set_state(SAVING)
        try:
            self._took(self.notes.save_fields(self.session_id, batch, based_on=self._base))
        except ValidationError:
            written = self._save_one_by_one(batch)
        except StorageWriteError as exc:
            return self._write_failed(exc.message)
        except (ConflictError, NotFoundError) as exc:
            return self._lock_out(exc.message)
        except VaultError:
            return self._write_failed(UNREACHABLE)
        else:
            written = list(batch)
        if written is None:  # a write failure during the one-by-one pass
            return False
        self._mark_written(written, batch)
        self._settle()
        return not self._pending

    def stop(self) -> None:
        """Stop every timer (the note was signed or the editor is going away after a flush)."""
        for timer in (self._debounce, self._max_latency, self._retry):
            timer.stop()

    def lock(self, message: str) -> None:
        """Refuse further edits with `message` (e.g. after signing); pending values are dropped."""
        self.stop()
        self._pending.clear()
        self._invalid.clear()
        self._locked = message

    # -- internals -------------------------------------------------------------------------
    def _took(self, result: object) -> None:
        """What a save stored becomes the base of further typing; fields kept aside are
        announced (their words are in a conflict copy, not lost)."""
        if self._base is not None:
            self._base.update(getattr(result, "values", None) or {})
        aside = list(getattr(result, "kept_aside", ()) or ())
        if aside:
            self.kept_aside.emit(aside)

    def _still_refused(self, field_id: str, value: Any) -> bool:
        refused = self._invalid.get(field_id)
        return refused is not None and refused[0] == value

    def _save_one_by_one(self, batch: dict[str, Any]) -> list[str] | None:
        written: list[str] = []
        for field_id, value in batch.items():
            try:
                self._took(self.notes.save_fields(self.session_id, {field_id: value},
                                                  based_on=self._base))
            except ValidationError as exc:
                self._invalid[field_id] = (value, exc.message)
                self.field_invalid.emit(field_id, exc.message)
            except StorageWriteError as exc:
                self._mark_written(written, batch)
                self._write_failed(exc.message)
                return None
            except (ConflictError, NotFoundError) as exc:
                self._lock_out(exc.message)
                return None
            except VaultError:
                self._mark_written(written, batch)
                self._write_failed(UNREACHABLE)
                return None
            else:
                written.append(field_id)
        return written

    def _mark_written(self, written: list[str], batch: dict[str, Any]) -> None:
        for field_id in written:
            if self._pending.get(field_id) == batch[field_id]:
                del self._pending[field_id]
            if self._invalid.pop(field_id, None) is not None:
                self.field_valid.emit(field_id)
        if written:
            self.saved.emit(list(written))

    def _settle(self) -> None:
        if self._invalid and any(k in self._pending for k in self._invalid):
            message = next(m for k, (_, m) in self._invalid.items() if k in self._pending)
            self._set_state(NOT_SAVED + message)
        elif self._pending:
            self._set_state(UNSAVED)
        else:
            self._set_state(SAVED)

    def _write_failed(self, message: str) -> bool:
        # Pending values stay; the next edit or the retry timer tries again.
        self._set_state(NOT_SAVED + message)
        self._retry.start()
        return False

    def _lock_out(self, message: str) -> bool:
        self.lock(message)
        self._set_state(NOT_SAVED + message)
        return False

    def _set_state(self, state: str) -> None:
        if state != self._state:
            self._state = state
            self.state_changed.emit(state)
