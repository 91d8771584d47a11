"""`redaction.fold` (the text de-identification matches on) folds text one character at a
time: accents dropped, case folded, look-alike letters merged, with each folded character's
index in the original. Its one-to-one shortcut gives what the character walk gives."""

from __future__ import annotations

import unicodedata

import pytest

from kapnotes.export.redaction import _EXTRA_FOLDS, fold


def _walk(text: str) -> tuple[str, list[int]]:
    out, where = [], []
    for i, ch in enumerate(text):
        base = unicodedata.normalize("NFKD", ch)
        folded = "".join(c for c in base if not unicodedata.combining(c)).casefold()
        folded = folded.translate(_EXTRA_FOLDS)
        out.append(folded)
        where.extend([i] * len(folded))
    return "".join(out), where


@pytest.mark.parametrize("text", [
    "Plain ASCII, Dr Olwen", "Nguyễn Thị Hương — 23/7/1979", "Σοφία Παπαδοπούλου · Σοφάκι",
    "Анна Кузнецова", "Straße Æsir œuvre ﬁle", "Łódź Đặng Þór Øster ħ ı", "café\u0301 e\u0301",
    "12 Wattlebird Street ⚠ ≥ ✓ 😀", "", "—",
    # Punctuation and symbols only beside ASCII (lower() folds those texts) …
    "Session 2 › Plan · “Rest” — ☑ done… 3 × 2 − 1 ● 中文", "Mixed CASE · ΑΒΓ",
    # … and letters lower() treats otherwise: final sigma, dotted İ, Cherokee, title case.
    "ΟΔΟΣ · ΣΟΦΙΑΣ — x", "İstanbul · Iİ", "Ꭰ ꭰ · ᏸ", "Ꭰ — Ꮳ", "ǅemal · ǈ", "Straße · ﬁ"])
def test_fold_equals_the_character_walk(text: str) -> None:
    folded, where = fold(text)
    expected, expected_where = _walk(text)
    assert folded == expected
    assert list(where) == expected_where
