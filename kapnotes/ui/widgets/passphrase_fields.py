"""The "new passphrase, asked twice, with a strength hint" rows shared by three dialogs."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QWidget

from kapnotes.domain.passphrase import MIN_LENGTH, check_new_passphrase, strength_hint

_LEVEL_COLOURS = {"too short": "#c62828", "weak": "#c62828", "fair": "#b26a00",
                  "strong": "#2e7d32"}


def password_edit(parent: QWidget, accessible_name: str) -> QLineEdit:
    """A masked line edit for a secret; no completer, no undo history worth keeping."""
    edit = QLineEdit(parent)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setAccessibleName(accessible_name)
    edit.setMinimumWidth(280)
    return edit


class NewPassphraseFields:
    """Two masked edits and a live strength hint, added as rows to a caller's form."""

    def __init__(self, parent: QWidget, form: QFormLayout, *, label: str = "New passphrase"):
        self.passphrase_edit = password_edit(parent, label)
        self.passphrase_edit.setPlaceholderText(f"at least {MIN_LENGTH} characters")
        self.confirm_edit = password_edit(parent, f"Repeat {label.lower()}")
        self.strength_label = QLabel(parent)
        self.strength_label.setWordWrap(True)
        self.strength_label.setAccessibleName("Passphrase strength")
        form.addRow(f"{label}:", self.passphrase_edit)
        form.addRow("Repeat it:", self.confirm_edit)
        form.addRow("", self.strength_label)
        self.passphrase_edit.textChanged.connect(self._update_hint)
        self._update_hint("")

    def _update_hint(self, text: str) -> None:
        if not text:
            self.strength_label.setText(
                f"Use at least {MIN_LENGTH} characters; a few unrelated words work well."
            )
            self.strength_label.setStyleSheet("")
            return
        level, advice = strength_hint(text)
        if advice.lower().startswith(f"{level}."):  # "Fair. Another word…" → no echo
            advice = advice[len(level) + 1 :].strip()
        self.strength_label.setText(f"Strength: {level}. {advice}".strip())
        self.strength_label.setStyleSheet(f"color: {_LEVEL_COLOURS.get(level, '')};")

    @property
    def level(self) -> str:
        return strength_hint(self.passphrase_edit.text())[0]

    def checked_passphrase(self) -> str:
        """The new passphrase, or ValidationError (too short, mismatch...)."""
        new = self.passphrase_edit.text()
        check_new_passphrase(new, self.confirm_edit.text())
        return new

    def clear(self) -> None:
        self.passphrase_edit.clear()
        self.confirm_edit.clear()
