"""A review request's report (the data the PDF is drawn from, kapnotes/export/report_data.py)
as read-only HTML for the supervisor's window.

Every value is escaped: a request comes from outside, and its text must show as text, never
as markup or a link. Level-1 headings get anchors (`section-N`) so the window can scroll to
the section a note or a comment is about. Charts are summarised as their points in a table;
the PDF inside the request has the drawing.
"""

from __future__ import annotations

from html import escape
from typing import Any

STYLE = """
body { font-size: 10.5pt; }
h1 { font-size: 14pt; margin-top: 14px; }
h2 { font-size: 12pt; margin-top: 10px; }
h3 { font-size: 11pt; }
table { border-collapse: collapse; margin: 4px 0 8px 0; }
td, th { border: 1px solid #b8b8b8; padding: 2px 6px; vertical-align: top; }
th { background: #eef0f3; text-align: left; }
td.key { color: #444; font-weight: 600; }
p.muted { color: #666; }
p.warning, p.draft { color: #8a4b00; font-weight: 600; }
p.banner-info { background: #e8f1fb; padding: 4px; }
p.banner-warning { background: #fff3d6; padding: 4px; }
p.banner-alert { background: #fde2e1; padding: 4px; font-weight: 600; }
p.signature { font-style: italic; }
"""


def _text(value: object) -> str:
    return escape(str(value if value is not None else "")).replace("\n", "<br>")


def _table(columns: list[Any], rows: list[Any]) -> str:
    head = "".join(f"<th>{_text(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{_text(c)}</td>" for c in row) + "</tr>"
                   for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _chart(block: dict[str, Any]) -> str:
    rows = [[s.get("name", ""), ", ".join(f"{x}: {y}" for x, y in s.get("points", []))]
            for s in block.get("series", [])]
    return (f"<p><b>{_text(block.get('title', 'Chart'))}</b> "
            f"<span class='muted'>(chart in the PDF)</span></p>"
            + _table(["Series", "Points"], rows))


def block_html(block: dict[str, Any], anchors: list[str]) -> str:
    kind = block.get("type")
    if kind == "heading":
        level = min(max(int(block.get("level", 1) or 1), 1), 3)
        anchor = ""
        if level == 1:
            anchor = f"<a name='section-{len(anchors)}'></a>"
            anchors.append(str(block.get("text", "")))
        return f"{anchor}<h{level}>{_text(block.get('text'))}</h{level}>"
    if kind == "paragraph":
        style = str(block.get("style", "normal"))
        return f"<p class='{escape(style)}'>{_text(block.get('text'))}</p>"
    if kind == "key_values":
        rows = "".join(f"<tr><td class='key'>{_text(k)}</td><td>{_text(v)}</td></tr>"
                       for k, v in block.get("rows", []))
        return f"<table>{rows}</table>"
    if kind == "table":
        return _table(list(block.get("columns", [])), list(block.get("rows", [])))
    if kind == "line_chart":
        return _chart(block)
    if kind == "banner":
        severity = str(block.get("severity", "info"))
        return f"<p class='banner-{escape(severity)}'>{_text(block.get('text'))}</p>"
    if kind == "draft_mark":
        return f"<p class='draft'>{_text(block.get('text'))}</p>"
    if kind == "signature_line":
        return f"<p class='signature'>{_text(block.get('text'))}</p>"
    if kind == "page_break":
        return "<hr>"
    return ""  # a block type this version does not know: the PDF still has it


def report_html(report: dict[str, Any]) -> tuple[str, list[str]]:
    """The whole report as HTML, and the level-1 headings in order (anchor `section-N`)."""
    anchors: list[str] = []
    parts = [f"<html><head><style>{STYLE}</style></head><body>",
             f"<h1>{_text(report.get('title', ''))}</h1>"]
    if report.get("subtitle"):
        parts.append(f"<p class='muted'>{_text(report['subtitle'])}</p>")
    if report.get("deidentified"):
        parts.append("<p class='muted'>De-identified: names, contact details and dates of "
                     "birth were left out.</p>")
    for notice in report.get("notices", []) or []:
        parts.append(f"<p class='muted'>{_text(notice)}</p>")
    sections = report.get("sections", [])
    for block in sections if isinstance(sections, list) else []:
        if isinstance(block, dict):
            parts.append(block_html(block, anchors))
    parts.append("</body></html>")
    return "".join(parts), anchors
