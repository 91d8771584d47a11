"""Help → What's This? (Shift+F1) on the monitoring record: what each part is for and the
rule behind it, in a sentence or two, where the therapist is looking."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

PANEL = ("<b>Monitoring record</b><p>Everything about this dose in one place: the pre-dose "
         "checks, the medicine given, vitals, sedation and dissociation, adverse effects and "
         "discharge. Each entry is saved as it is made. Press Shift+F1 and click a part to read "
         "what it is for.</p>")
HELP: dict[str, str] = {
    "clock_label": "<b>Monitoring clock</b><p>Minutes since the first device or injection, "
                   "and what is due next: the ~40-minute blood pressure and the 2-hour "
                   "minimum monitoring time before discharge.</p>",
    "ack_banner": "<b>Screening warnings</b><p>What the contraindication screen flagged (or "
                  "that it is missing or out of date). Recording stays closed until you have "
                  "reviewed and acknowledged them for this session.</p>",
    "checks": "<b>Pre-dose checks</b><p>Fasting (no food for 2 hours, no liquids for 30 "
              "minutes), the screen reviewed, and pre-dose vitals acceptable. Consider "
              "delaying when blood pressure is above {bp}.</p>",
    "dose": "<b>Medication and dose</b><p>The medicine, route, dose and lot number. For "
            "esketamine each 28 mg device is timed; the first starts the monitoring clock.</p>",
    "vitals": "<b>Vitals</b><p>Blood pressure, heart rate and SpO2, each stamped with the time. "
              "Ctrl+Shift+V adds a reading stamped now. Needed: before the dose, about 40 "
              "minutes after it, and before the session ends; each role must fit its time. "
              "Type a time (HH:MM) to enter a reading written up afterwards. A value outside "
              "the usual range is recorded only after you confirm it. In a draft, select a "
              "reading and write a reason to correct or strike it: the original stays, struck "
              "through. Readings beyond the alert levels in Edit → Settings… (blood pressure, "
              "SpO2, heart rate) are marked and shown in the banner.</p>",
    "observations": "<b>Sedation and dissociation</b><p>MOAA/S (5 alert … 0 unresponsive) "
                    "and how dissociated the client seemed, over time.</p>",
    "resp": "<b>Respiratory depression</b><p>Record “No” once checked; “Yes” needs a "
            "note of what was done.</p>",
    "effects": "<b>Adverse effects</b><p>Tick what happened and how strong it was; note serious "
               "adverse events for reporting.</p>",
    "interventions": "<b>Interventions</b><p>What you did in response (grounding, antiemetic, "
                     "position change…).</p>",
    "discharge_button": "<b>Discharge</b><p>Stamps the end of monitoring now. Not before 2 "
                        "hours from the first device, with vitals back within the discharge "
                        "limits, sedation resolved and an escort; before that it asks for your "
                        "written reason. No driving until the next day after restful "
                        "sleep.</p>",
    "ready": "<b>Ready to leave without the 2-hour minimum</b><p>When the client would have "
             "been ready if there were no minimum, in minutes from the first device.</p>",
    "escort": "<b>Escort</b><p>Who collected the client.</p>",
    "readiness": "<b>Discharge readiness</b><p>The last readings within the practice's "
                 "discharge limits, no unresolved alert, sedation resolved (MOAA/S 5) and the "
                 "minimum monitoring time reached. Discharging before that is recorded, shown "
                 "in red, and signing then needs a written reason.</p>",
}


def explain_monitoring(panel: QWidget, bp: str) -> None:
    """Give the panel and each of its parts a What's This text; `bp` is the pre-dose delay
    limit in force ("140/90"), so the help says what the app applies."""
    panel.setWhatsThis(PANEL)
    for name, text in HELP.items():
        part = getattr(panel, name, None)
        widgets = part.values() if isinstance(part, dict) else [part]
        for widget in widgets:
            if isinstance(widget, QWidget):
                widget.setWhatsThis(text.replace("{bp}", bp))
