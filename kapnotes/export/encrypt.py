"""Password-protect finished PDF bytes with AES-256 (PDF 2.0 security handler, /V 5 /R 6).

reportlab's own encryption defaults to 40-bit RC4 and its AES-256 output does not open in
pypdf, so the renderer writes a plain PDF into memory and pypdf encrypts it here.
"""

from __future__ import annotations

import io
import secrets

from pypdf import PasswordType, PdfReader, PdfWriter
from pypdf.generic import DictionaryObject

from kapnotes.domain.errors import ValidationError


def encrypt_pdf(data: bytes, password: str) -> bytes:
    """`data` encrypted so it opens only with `password`; verified before it is returned."""
    if not password:
        raise ValidationError("password", "an empty password would protect nothing")
    reader = PdfReader(io.BytesIO(data))
    writer = PdfWriter(clone_from=reader)
    if reader.metadata:
        writer.add_metadata(dict(reader.metadata))
    # A random owner password: nobody can lift restrictions without knowing it.
    writer.encrypt(
        user_password=password,
        owner_password=secrets.token_urlsafe(32),
        algorithm="AES-256",
    )
    out = io.BytesIO()
    writer.write(out)
    result = out.getvalue()
    _verify(result, password)
    return result


def _verify(data: bytes, password: str) -> None:
    # Never hand back a "protected" file that opens without the password or not at all.
    reader = PdfReader(io.BytesIO(data))
    encrypt = reader.trailer["/Encrypt"].get_object() if reader.is_encrypted else None
    if (not isinstance(encrypt, DictionaryObject)
            or encrypt.get("/V") != 5 or encrypt.get("/R") != 6):
        raise RuntimeError("PDF encryption failed: the file is not AES-256 protected")
    if reader.decrypt("") != PasswordType.NOT_DECRYPTED:
        raise RuntimeError("PDF encryption failed: the file opens without a password")
    check = PdfReader(io.BytesIO(data))
    if check.decrypt(password) == PasswordType.NOT_DECRYPTED or not check.pages:
        raise RuntimeError("PDF encryption failed: the password does not open the file")
