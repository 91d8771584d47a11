"""`python -m kapnotes` runs the same entry point as the `kapnotes` command."""

from kapnotes.cli import main

raise SystemExit(main())
