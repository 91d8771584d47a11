"""Before a de-identified PDF is saved: what was replaced, where (never the values).

The exporter reads the list and saves, or cancels to fix the note first. The same list is
printed by `kapnotes pdf` (docs/PDF.md, "De-identification").
"""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from kapnotes.domain.dates import plural

SAVE = "Save PDF"


def review_box(parent: QWidget | None, places: tuple[str, ...]) -> QMessageBox:
    """The question, not yet shown: the places in its details, Save as the default."""
    box = QMessageBox(QMessageBox.Icon.Information, "Review de-identification", "", parent=parent)
    if places:
        box.setText(f"Identifying details were replaced in {plural(len(places), 'place')} before "
                    "saving. Review the list; the PDF holds [name], [date], [contact] or "
                    "[clinician] there. Free text may still identify the client in other ways.")
        box.setDetailedText("\n".join(places))
    else:
        box.setText("No identifying details of the client were found to replace. Free text "
                    "may still identify the client in other ways; read the PDF before sharing.")
    save = box.addButton(SAVE, QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(save)
    box.setObjectName("redaction_review")
    return box


def ask_to_save(parent: QWidget | None, places: tuple[str, ...]) -> bool:
    box = review_box(parent, places)
    box.exec()
    return box.clickedButton() is not None and box.clickedButton().text() == SAVE
