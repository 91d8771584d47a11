"""docs/REVIEW-FORMAT.md points readers to the window guide and its screenshots, and every
relative link in it resolves to a file in the repository."""

from __future__ import annotations

import re
from pathlib import Path

DOCS = Path(__file__).resolve().parents[1] / "docs"
LINK = re.compile(r"\]\(([^)#\s]+)\)")


def _links() -> list[str]:
    return LINK.findall((DOCS / "REVIEW-FORMAT.md").read_text(encoding="utf-8"))


def test_review_format_links_the_supervision_guide_and_screenshots() -> None:
    links = _links()
    for target in ("SUPERVISION.md", "images/review-window.png",
                   "images/review-imported.png", "images/reviews-view.png"):
        assert target in links


def test_every_relative_link_in_review_format_resolves() -> None:
    relative = [t for t in _links() if "://" not in t]
    assert relative
    assert [t for t in relative if not (DOCS / t).is_file()] == []
