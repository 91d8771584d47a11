"""PyInstaller's entry script: the same `kapnotes.cli.main` the `kapnotes` command runs.

A separate file because PyInstaller runs its script as `__main__`, and `kapnotes/__main__.py`
inside the package would then be collected twice.
"""

from kapnotes.cli import main

raise SystemExit(main())
