"""Answers kept for one PDF document: held on reportlab's document object itself, so they
go with it and a new document starts empty (subset numbering is per document)."""

from __future__ import annotations

from typing import Any


def doc_cache(doc: Any, name: str) -> dict[Any, Any]:
    """The dict called `name` kept on `doc`, made empty the first time it is asked for."""
    cache: dict[Any, Any] | None = getattr(doc, name, None)
    if cache is None:
        cache = {}
        setattr(doc, name, cache)
    return cache
