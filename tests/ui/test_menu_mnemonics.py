"""Menu mnemonics: within one menu (and across the menu bar) each Alt-letter reaches exactly
one entry, in the window as the app builds it (vault open, workspace and export actions added)."""

from __future__ import annotations

from collections import defaultdict

from PySide6.QtWidgets import QMenu

from kapnotes.ui.main_window import MainWindow
from kapnotes.ui.practice_menu import PracticeMenu
from kapnotes.ui.settings_menu import SettingsMenu
from kapnotes.window_run import start_workspace


def mnemonic(text: str) -> str | None:
    """The letter after a single '&' ('&&' is a literal ampersand), lower-cased."""
    i = 0
    while i < len(text) - 1:
        if text[i] == "&":
            if text[i + 1] != "&":
                return text[i + 1].lower()
            i += 1
        i += 1
    return None


def clashes(title: str, entries: list[str]) -> list[str]:
    by_letter: dict[str, list[str]] = defaultdict(list)
    for text in entries:
        letter = mnemonic(text)
        if letter is not None:
            by_letter[letter].append(text)
    return [f"{title}: '{letter}' in {texts}" for letter, texts in by_letter.items()
            if len(texts) > 1]


def walk(title: str, menu: QMenu) -> list[str]:
    entries = [a for a in menu.actions() if not a.isSeparator()]
    found = clashes(title, [a.text() for a in entries])
    found += [f"{title}: no mnemonic for {a.text()!r}" for a in entries
              if mnemonic(a.text()) is None]
    for action in entries:
        if action.menu() is not None:
            found += walk(f"{title} → {action.text()}", action.menu())
    return found


def test_no_two_entries_of_one_menu_share_a_mnemonic(qtbot, open_vault, settings,
                                                      prompter) -> None:
    window = MainWindow(open_vault, settings=settings)
    qtbot.addWidget(window)
    workspace = start_workspace(window, prompter)
    SettingsMenu(window)
    PracticeMenu(window, workspace=lambda: workspace)  # File → Practice, all three entries
    window.show()
    assert workspace.exports.packet_action in window.file_menu.actions()

    top = window.menuBar().actions()
    problems = clashes("menu bar", [a.text() for a in top])
    for action in top:
        problems += walk(action.text().replace("&", ""), action.menu())
    assert problems == [], "\n".join(problems)
