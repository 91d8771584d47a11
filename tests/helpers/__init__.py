"""Helpers shared by tests in several folders (imported as `helpers.…`; never `conftest`, whose
module name another folder's conftest.py may take)."""
