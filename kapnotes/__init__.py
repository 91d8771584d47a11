"""KAP Notes: offline clinical notes for ketamine-assisted psychotherapy."""

from __future__ import annotations

# The one place the version lives: hatchling reads it for the wheel ([tool.hatch.version]),
# and the app reads it without importlib.metadata (~30 ms of every start-up).
__version__ = "0.1.0"
