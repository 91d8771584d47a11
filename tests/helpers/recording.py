"""Test doubles that record: a prompter that answers as told, and a file's digest."""

from __future__ import annotations

import hashlib
from pathlib import Path


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class RecordingPrompter:
    """Answers the app's questions as told and remembers every message it was shown."""

    def __init__(self, *, confirm: bool = True) -> None:
        self.answer = confirm
        self.messages: list[tuple[str, str, str]] = []
        self.destructive: list[bool] = []  # per confirm: was "no" the default answer?

    def error(self, title: str, text: str) -> None:
        self.messages.append(("error", title, text))

    def warn(self, title: str, text: str) -> None:
        self.messages.append(("warn", title, text))

    def info(self, title: str, text: str) -> None:
        self.messages.append(("info", title, text))

    def confirm(self, title: str, text: str, *, yes: str, no: str,
                destructive: bool = False) -> bool:
        self.messages.append(("confirm", title, text))
        self.destructive.append(destructive)
        return self.answer

    def kinds(self) -> list[str]:
        return [kind for kind, _, _ in self.messages]
