"""Names vulture cannot see used (`make lint`, tests/test_dead_code.py). Keep it short: a name
belongs here only with the reason it is used although nothing calls it by name."""

# ruff: noqa
_ = object()

# Read by reportlab when it draws the group (a rotation), never by our code.
_.transform

# Enum members made from stored or typed values (`AdverseEffect("nausea")`), not by name.
_.DISSOCIATION
_.VOMITING
_.ANXIETY
_.SEDATION
_.NAUSEA
_.DIZZINESS
_.HEADACHE
_.PERCEPTUAL_DISTURBANCE

# Dataclass fields filled from the vault or a scale/rule file: part of the record they load.
_.recorded_at  # StoredAdverseEffect, from adverse_effects.recorded_at
_.baseline_source  # OutcomeRules, the named source of the baseline window (rules file)
_.respondent  # Scale, "client" or "clinician" (scale files)

# Table column numbers: each names its column even where no code refers to that one.
_.OS_USER
_.WORKSTATION

# The exit codes are a documented table (argparse exits 2 on a usage error by itself).
_.EXIT_USAGE

# Keeps the completer reachable from the field that owns it (Qt parent/child lifetime).
_.theme_completer

# Unused today and not among the removals issue 17 named; each waits for its module's owner
# to call it or remove it (then delete its line here).
_.pin_month_first  # kapnotes/domain/dates.py
_.blocking  # kapnotes/domain/dose_rules.py
_.TEXT_TYPES  # kapnotes/domain/template_fields.py
_.relapse_date  # kapnotes/domain/outcomes.py
_.has_risk  # kapnotes/domain/risk.py
_.needs_attention  # kapnotes/domain/risk.py
_.set_backup_retention  # kapnotes/services/settings_service.py
_.invalid_fields  # kapnotes/ui/widgets/autosave.py
_.show_text  # kapnotes/ui/widgets/form_errors.py
_.reload_intentions  # kapnotes/ui/widgets/note_form.py (issue 17: views refresh on changes)
_.NEVER_ALTERED  # kapnotes/domain/jurisdiction_model.py: a rule kind read from pack files by value (the vault triggers enforce it)
# kapnotes/domain/jurisdiction_model.py: entry kinds named by value in pack files and the vault
_.ADMINISTRATION
_.RECEIPT
_.TRANSFER_IN
_.WASTAGE
_.TRANSFER_OUT
_.CORRECTION
_.STOCKTAKE

# reportlab reads these attributes itself: a cell style's alignment (export/cell_book.py),
# a flowable's alignment, and what its Table's command methods (`_cr_1_1`, …) ask of
# export/plain_table.py's table.
_.valign
_.hAlign
_._addCommand
_._rowSplitRange

# Python calls a module's __getattr__ itself for a name the module does not define
# (services/vault_access.py loads the vault types on first use, after the unlock dialog).
_.__getattr__

# reportlab calls a FrameActionFlowable's frameAction and reads locChanger (export/pdf.py _NewPage).
_.frameAction
_.locChanger

# reportlab's doc template state, which export/page_flow.py keeps as BaseDocTemplate.build and
# handle_flowable keep it (reportlab reads them: flowables find the template through the
# canvas, page ends count the flowables drawn).
_._doctemplate
_._curPageFlowableCount
# reportlab's PDF writer reads a page's Contents stream and a stream's __Comment__
# (export/page_canvas.py sets them for a page compressed ahead of the writer).
_.Contents
_.__Comment__
