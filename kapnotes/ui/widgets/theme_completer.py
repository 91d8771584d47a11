"""Theme name entry that offers the vault's existing themes as you type.

Case-insensitive, matching anywhere in the name ("comp" offers "self-compassion"), and the list
is re-read from the provider each time the field gains focus, so a theme named a minute ago in
another row is offered too. Use `attach_theme_completer(edit, known_themes)` on an existing
QLineEdit (the note form's themes editor), or `ThemeLineEdit` for a new one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QObject, QStringListModel, Qt
from PySide6.QtWidgets import QCompleter, QLineEdit, QWidget

from kapnotes.domain.errors import VaultUnavailableError

KnownThemes = Callable[[], Sequence[str]]


class ThemeCompleter(QCompleter):
    """A QCompleter over a theme-name provider; `refresh()` re-reads the provider."""

    def __init__(self, known_themes: KnownThemes, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._provider = known_themes
        self._model = QStringListModel(self)
        self.setModel(self._model)
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterMode(Qt.MatchFlag.MatchContains)
        self.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setModelSorting(QCompleter.ModelSorting.UnsortedModel)
        self.setMaxVisibleItems(10)
        self.refresh()

    def refresh(self) -> None:
        """Re-read the names; a vault that cannot be read now (closed when the window locked
        or closed, with a focus event pending) keeps the last list instead of raising into Qt."""
        try:
            known = self._provider()
        except VaultUnavailableError:
            return
        names = sorted(dict.fromkeys(known), key=str.casefold)
        if names != self._model.stringList():
            self._model.setStringList(names)


class _RefreshOnFocus(QObject):
    def __init__(self, completer: ThemeCompleter, parent: QObject) -> None:
        super().__init__(parent)
        self._completer = completer

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusIn:
            self._completer.refresh()
        return False


def attach_theme_completer(edit: QLineEdit, known_themes: KnownThemes) -> ThemeCompleter:
    """Give `edit` the theme completer (the factory the note form's themes editor calls)."""
    completer = ThemeCompleter(known_themes, edit)
    edit.setCompleter(completer)
    edit.installEventFilter(_RefreshOnFocus(completer, edit))
    return completer


class ThemeLineEdit(QLineEdit):
    """A theme name field with the completer already attached."""

    def __init__(self, known_themes: KnownThemes, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText("Theme")
        self.setAccessibleName("Theme")
        self.theme_completer = attach_theme_completer(self, known_themes)
