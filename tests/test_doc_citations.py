"""Every document the code cites ships with it: the repository stands alone (issue 17).

Comments and docstrings once cited the domain, architecture and UX notes by bare names of
files that lived outside the repository. A cited path must exist from the repository root
(docs/PDF.md) or beside the citing file (a README.md in the same folder); a bare name that is
neither sends the reader nowhere.
"""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SCANNED = ("kapnotes", "tests", "bench", "resources")
TEXT_SUFFIXES = {".py", ".json", ".md", ".txt", ".toml", ".cfg", ".sql", ".spec"}
# A path ending in .md, not inside a longer word or path.
CITATION = re.compile(r"(?<![\w/.-])((?:[\w.-]+/)*[\w.-]+\.md)\b")
QUOTES = "'\""
SELF = Path(__file__).resolve()  # its examples cite names that do not exist, on purpose


def cited_docs(text: str) -> list[str]:
    """Cited .md paths; a quoted name alone is a path part built in code, not a citation
    (`DOCS / "CLINICAL-RULES.md"`)."""
    found = []
    for match in CITATION.finditer(text):
        before = text[match.start() - 1] if match.start() else ""
        after = text[match.end()] if match.end() < len(text) else ""
        if not (before in QUOTES and before and after == before):
            found.append(match.group(1))
    return found


def missing_citations() -> list[str]:
    missing = []
    for top in SCANNED:
        for path in sorted((REPO / top).rglob("*")):
            if path.suffix not in TEXT_SUFFIXES or not path.is_file() or path == SELF:
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            for cited in cited_docs(text):
                if not ((REPO / cited).is_file() or (path.parent / cited).is_file()):
                    missing.append(f"{path.relative_to(REPO)}: {cited}")
    return missing


def test_the_pattern_finds_citations_and_skips_built_paths() -> None:
    text = ('"""Rules (docs/UX.md, "A dosing morning"); see DOMAIN.md and README.md."""\n'
            '"""DOMAIN.md\'s rule."""\n'
            'DOCS = ROOT / "docs" / "CLINICAL-RULES.md"\n')
    assert cited_docs(text) == ["docs/UX.md", "DOMAIN.md", "README.md", "DOMAIN.md"]


def test_every_cited_document_exists_in_the_repository() -> None:
    assert missing_citations() == []
