"""Run the `kapnotes` console entry (`kapnotes.cli.main`, what the installed command calls) in
this process, with what a subprocess would show: exit code, stdout and stderr.

A `python -m kapnotes` subprocess costs ~0.5 s of interpreter start and imports (more on a busy
machine), which hundreds of refusal cases paid again and again. In-process, the same entry
function parses the same arguments, with the environment, working folder and stdin (no
terminal: /dev/null) it would have had, and Python's last-resort logging to stderr that a fresh
process has. Each file that runs cases this way keeps some as real subprocesses, so the
interpreter start, `python -m kapnotes` and the process exit code stay tested too.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from helpers.basics import TEST_PASSPHRASE


def cli_env(folder: Path, passphrase: str = TEST_PASSPHRASE) -> dict[str, str]:
    """This process's environment with `folder` as the user-data folder and `passphrase` given
    for unlocking and for a new vault alike: `kapnotes` commands that set up a fixture's vaults
    run without a prompt, in or out of this process."""
    return {**os.environ, "KAPNOTES_DATA_DIR": str(folder),
            "KAPNOTES_PASSPHRASE": passphrase, "KAPNOTES_NEW_PASSPHRASE": passphrase}


@contextlib.contextmanager
def _environment(env: Mapping[str, str] | None, cwd: Path | None) -> Iterator[None]:
    saved_env, saved_cwd = dict(os.environ), os.getcwd()
    try:
        if env is not None:
            os.environ.clear()
            os.environ.update(env)
        if cwd is not None:
            os.chdir(cwd)
        yield
    finally:
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)


@contextlib.contextmanager
def _last_resort_logging(stream: io.StringIO) -> Iterator[None]:
    """A fresh process has no log handlers, so warnings reach stderr as bare messages
    (logging.lastResort); pytest's own handlers would swallow them here."""
    root = logging.getLogger()
    handler = logging.StreamHandler(stream)
    handler.setLevel(logging.WARNING)
    saved_handlers, saved_level = root.handlers[:], root.level
    root.handlers = [handler]
    root.setLevel(logging.WARNING)
    try:
        yield
    finally:
        root.handlers = saved_handlers
        root.setLevel(saved_level)


def run_entry(args: Sequence[str | Path], *, env: Mapping[str, str] | None = None,
              cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """`kapnotes ARGS` through the console entry in this process; `env` replaces the whole
    environment (as subprocess.run's would), `cwd` is the working folder."""
    from kapnotes.cli import main

    argv = [str(a) for a in args]
    out, err = io.StringIO(), io.StringIO()
    with _environment(env, cwd), open(os.devnull, encoding="utf-8") as devnull, \
            contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), \
            _last_resort_logging(err):
        saved_stdin, sys.stdin = sys.stdin, devnull
        try:
            code: object = main(argv)
        except SystemExit as exc:  # argparse's usage errors, --help, --version
            code = exc.code
        finally:
            sys.stdin = saved_stdin
    if code is None:
        code = 0
    elif not isinstance(code, int):  # SystemExit("text"): the interpreter prints it, exit 1
        print(code, file=err)
        code = 1
    return subprocess.CompletedProcess(["kapnotes", *argv], code, out.getvalue(),
                                       err.getvalue())
