"""Help → Guide (F1): a short built-in guide, readable offline: keyboard shortcuts, where the
data lives, backup and restore, and exporting for a supervisor.

The shortcut table is read from the window's own actions when the guide opens, so it can not
drift from what the keys actually do; the page-level keys (signing, vitals, going back) are
listed beside them from the modules that define them.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from kapnotes.paths import user_data_dir
from kapnotes.services.vault_backups import backup_dir_for
from kapnotes.ui.widgets.back_keys import BACK_KEYS

# Keys that belong to a page rather than a menu (each defined where the page is built).
PAGE_KEYS = (
    ("Ctrl+Shift+S", "Sign the open note"),
    ("Ctrl+Shift+V", "Add a vitals reading stamped now (dosing session)"),
    (" / ".join(BACK_KEYS), "From a note back to its client"),
    ("Tab / Shift+Tab", "Next / previous field; arrow keys choose within a group of answers"),
    ("Shift+F1", "What's this? Then click a part of the monitoring record"),
)


def shortcut_rows(window: QWidget) -> list[tuple[str, str]]:
    """(keys, what) for every action of `window` that has a shortcut, then the page keys."""
    rows: dict[str, str] = {}
    for action in window.findChildren(QAction):
        keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        what = action.text().replace("&", "").rstrip("…").strip()
        if keys and what and keys not in rows:
            rows[keys] = what
    listed = sorted(rows.items(), key=lambda kv: kv[1].casefold())
    return listed + [(k, w) for k, w in PAGE_KEYS if k not in rows]


def guide_html(vault_path: Path, shortcuts: list[tuple[str, str]]) -> str:
    keys = "".join(f"<tr><td><b>{escape(k)}</b></td><td>{escape(w)}</td></tr>"
                   for k, w in shortcuts)
    vault, backups = escape(str(vault_path)), escape(str(backup_dir_for(vault_path)))
    data = escape(str(user_data_dir()))
    return f"""
<h2>KAP Notes guide</h2>
<p>Everything you type is saved as you go; nothing asks “save?”. Signed notes are locked:
later changes are dated addenda.</p>

<h3 id="keys">Keyboard shortcuts</h3>
<table cellspacing="0" cellpadding="3">{keys}</table>

<h3 id="data">Where your data lives</h3>
<ul>
<li><b>The vault</b> (every client, note and measure, encrypted with your passphrase):
<br>{vault}</li>
<li><b>Automatic backups</b> (one a day, on opening or closing, encrypted the same way;
how many are kept is in Edit → Settings…):
<br>{backups}</li>
<li><b>Your window layout and practice scale or template files</b>: {data}</li>
</ul>
<p>Nothing is sent anywhere: KAP Notes works offline. Without the passphrase (or the
recovery key you printed when the vault was made) nobody can read the vault, including you.</p>

<h3 id="backup">Backing up and restoring</h3>
<ol>
<li><b>File → Backup now</b> writes an encrypted copy into the backups folder. Copy that
folder to an encrypted USB drive or your practice's backup share regularly.</li>
<li><b>File → Restore backup…</b> replaces the vault by a backup you choose; the vault it
replaces is kept in the backups folder, so a restore can be undone.</li>
<li>From a terminal: <code>kapnotes backup --out FILE</code>, <code>kapnotes restore
FILE</code>, and <code>kapnotes check</code> to test a vault's integrity.</li>
<li>A plain, readable copy of every record: <code>kapnotes export-json --out FILE</code>
(not encrypted: keep it as carefully as paper notes).</li>
</ol>

<h3 id="supervision">Exporting for a supervisor</h3>
<ol>
<li><b>File → Export supervision packet…</b>: your active clients are ticked; change the
ticks as needed.</li>
<li><b>De-identify</b> is on: clients are named by code, and their known names, dates of
birth and contacts are replaced in the text. Read the PDF before sending: no program finds
every identifying detail a note may contain.</li>
<li>Add a <b>password</b> for anything sent by email, and give the password another way
(phone, text message).</li>
<li>One note: open it and press <b>Ctrl+P</b>; a course summary: the client's
<b>Export PDF…</b>.</li>
</ol>
"""


class GuideDialog(QDialog):
    """The guide in a scrollable text view; Esc or Close closes it."""

    def __init__(self, window: QWidget, vault_path: Path,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent or window)
        self.setWindowTitle("KAP Notes guide")
        self.setAccessibleName("KAP Notes guide")
        self.browser = QTextBrowser(self)
        self.browser.setAccessibleName("Guide text")
        self.browser.setOpenLinks(False)
        self.browser.setHtml(guide_html(vault_path, shortcut_rows(window)))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)
        self.resize(640, 600)

    def text(self) -> str:
        return self.browser.toPlainText()
