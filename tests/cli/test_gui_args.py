"""The `kapnotes` command's GUI forms (no command, or only `--vault`) skip building every
command's parser before the unlock dialog shows: they must give what the parser gives, and
anything else must still go to the parser."""

from __future__ import annotations

import pytest

from kapnotes import cli


@pytest.mark.parametrize("argv", [[], ["--vault", "/tmp/my vault.kapnotes"],
                                  ["--vault=/tmp/v.kapnotes"], ["--vault="], ["--vault", ""]])
def test_the_gui_forms_give_what_the_parser_gives(argv: list[str]) -> None:
    fast = cli.gui_only(argv)
    parsed = cli.build_parser().parse_args(argv)
    assert fast is not None
    assert vars(fast) == vars(parsed)


@pytest.mark.parametrize("argv", [["--version"], ["--help"], ["list"], ["--vault"],
                                  ["--vault", "-x"], ["--vault", "v", "list"], ["--va", "v"],
                                  ["check", "--vault", "v"]])
def test_anything_else_goes_to_the_parser(argv: list[str]) -> None:
    assert cli.gui_only(argv) is None
