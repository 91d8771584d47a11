"""Imported first by `kapnotes.app`: loads PySide6 and swaps in the cheaper import check
(`kapnotes.ui.pyside_import_check`) at once.

PySide checks every module imported after it; `application()` used to install the cheaper
check, so the ~45 modules the app imports before that (its own, the unlock dialog's) each
went through PySide's slower one (~3 ms before the unlock dialog could show).
"""

from __future__ import annotations

import PySide6.QtCore  # noqa: F401  (what installs PySide's own check)

from kapnotes.ui import pyside_import_check

pyside_import_check.install()
