"""The supervisor's commands: `kapnotes review open` (read a request, save its PDF, write a
review file to fill in) and `kapnotes review reply` (sign and encrypt the answer).

Both work from the request file alone; with `--vault` the supervisor's own vault supplies
the key a request was encrypted to and signs the reply, without it a one-off key signs
(docs/REVIEW-FORMAT.md, "Supervisors without a vault").
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from kapnotes.cli.passphrases import _prompt, read_secret_file
from kapnotes.cli.review_commands import ENV_REQUEST_PASSPHRASE
from kapnotes.cli.vault_commands import opened_vault
from kapnotes.domain.bounded_input import read_json_bounded
from kapnotes.domain.errors import KapNotesError, ValidationError
from kapnotes.domain.review_model import Profile, reply_content_from
from kapnotes.domain.text_rules import clean_text
from kapnotes.services import container, output_files, review_files, review_keys, review_replies
from kapnotes.services.clock import Clock, system_clock
from kapnotes.services.review_keys import ReviewIdentity
from kapnotes.services.review_replies import OpenedRequest, ReplyResult

MAX_REVIEW_JSON = 4 * 1024 * 1024
REQUEST_LABEL = "request file"


def _vault_arg(args: argparse.Namespace) -> Path | None:
    return Path(args.vault).expanduser() if getattr(args, "vault", None) else None


def _request_passphrase(args: argparse.Namespace) -> str:
    if args.request_passphrase_file:
        return read_secret_file(args.request_passphrase_file,
                                option="--request-passphrase-file").strip()
    env = os.environ.get(ENV_REQUEST_PASSPHRASE)
    if env is not None:
        return env.strip()
    if not sys.stdin or not sys.stdin.isatty():
        raise KapNotesError("the request is protected by a passphrase: run in a terminal, or "
                            f"use --request-passphrase-file (or {ENV_REQUEST_PASSPHRASE}).")
    return _prompt("Passphrase from the therapist").strip()


def _read(args: argparse.Namespace) -> tuple[bytes, str | None]:
    """The request's bytes (bounded) and, when it was sealed with one, its passphrase."""
    data = review_files.read_file(Path(args.request), REQUEST_LABEL)
    needs = review_files.needs_passphrase(data, REQUEST_LABEL)
    return data, _request_passphrase(args) if needs else None


def _outputs(args: argparse.Namespace, *names: str) -> list[Path | None]:
    """Each named output option checked before anything is unlocked or decrypted."""
    out: list[Path | None] = []
    for name in names:
        value = getattr(args, name)
        if not value:
            out.append(None)
            continue
        path = Path(value).expanduser()
        output_files.check_output_path(path, _vault_arg(args), replace=args.force,
                                       label="--" + name.replace("_", "-"))
        out.append(path)
    return out


def _opened(args: argparse.Namespace, data: bytes, passphrase: str | None) -> OpenedRequest:
    if _vault_arg(args) is None:
        return review_replies.open_request(data, passphrase=passphrase)
    with opened_vault(args) as vault:
        return review_replies.open_request(data, passphrase=passphrase,
                                           identity=review_keys.vault_identity(vault))


def review_template(request: OpenedRequest) -> dict[str, object]:
    """A `--review` file with every note of the request and nothing decided yet."""
    return {
        "verdicts": [{"session_id": n.session_id, "verdict": ""} for n in request.notes],
        "comments": [{"session_id": n.session_id, "section": "", "text": ""}
                     for n in request.notes[:1]],
        "cosignature": None,
        "supervision": {"date": "", "minutes": 60, "format": "individual", "topics": []},
    }


def cmd_open(args: argparse.Namespace) -> int:
    pdf_out, template_out = _outputs(args, "pdf_out", "review_template")
    data, passphrase = _read(args)
    request = _opened(args, data, passphrase)
    kind = "de-identified" if request.deidentified else "IDENTIFIED"
    print(f"Request {request.request_id[:8]} from {request.therapist.line()}, key "
          f"{request.therapist_fingerprint}; sent {request.created_at}; {kind}.")
    print(f"{len(request.notes)} note(s) to review:")
    for n in request.notes:
        print(f"  {n.session_id:>6}  {n.client_code:<12} {n.held_on.isoformat()}  {n.title}")
    if request.sections:
        print("Sections: " + "; ".join(request.sections))
    vault = _vault_arg(args)
    if pdf_out is not None:
        output_files.write_output(pdf_out, request.pdf, vault, replace=args.force,
                                  label="--pdf-out")
        print(f"Wrote the PDF to {pdf_out}.")
    if template_out is not None:
        text = json.dumps(review_template(request), indent=2, ensure_ascii=False) + "\n"
        output_files.write_output(template_out, text.encode("utf-8"), vault,
                                  replace=args.force, label="--review-template")
        print(f"Wrote a review file to fill in to {template_out} (give it to `review reply "
              "--review`).")
    return 0


def _one_off(args: argparse.Namespace) -> ReviewIdentity:
    return review_keys.one_off_identity(Profile(
        clean_text("--name", args.name, required=True),
        clean_text("--role", args.role), clean_text("--registration", args.registration)))


def _answer(data: bytes, passphrase: str | None, identity: ReviewIdentity, review: object,
            out: Path, force: bool, vault_path: Path | None, clock: Clock
            ) -> tuple[ReplyResult, OpenedRequest]:
    request = review_replies.open_request(data, passphrase=passphrase, identity=identity)
    content = reply_content_from(review, request.note_ids, label="--review")
    result = review_replies.write_reply(request, content, identity, out, replace=force,
                                        vault_path=vault_path, clock=clock)
    return result, request


def cmd_reply(args: argparse.Namespace) -> int:
    vault_path = _vault_arg(args)
    if vault_path is None and not (args.name or "").strip():
        raise ValidationError("--vault", "give your own vault (--vault), or your name "
                                         "(--name) to sign with a one-off key.")
    (out,) = _outputs(args, "out")
    assert out is not None  # --out is required by the parser
    review = read_json_bounded(Path(args.review).expanduser(), limit=MAX_REVIEW_JSON,
                               label="--review", max_depth=8)
    data, passphrase = _read(args)
    if vault_path is None:
        identity = _one_off(args)
        # No vault, so no services: the clock build_services would give them.
        result, request = _answer(data, passphrase, identity, review, out, args.force, None,
                                  system_clock)
    else:
        with opened_vault(args) as vault:
            identity = review_keys.vault_identity(vault)
            clock = container.build_services(vault).clock
            result, request = _answer(data, passphrase, identity, review, out, args.force,
                                      vault.path, clock)
            review_replies.record_reply(vault, request, result, clock=clock)
    print(f"Wrote {result.path} (reply {result.reply_id[:8]} to "
          f"{request.therapist.name}, key {request.therapist_fingerprint}).")
    if identity.one_off:
        print(f"Signed with a one-off key {identity.fingerprint} (you have no vault).")
    return 0
