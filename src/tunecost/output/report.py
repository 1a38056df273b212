"""One self-contained report a team can act on: HTML (or Markdown) with embedded charts.

The report states the scenario in words, the recommendation and how sure it is (from a
Monte Carlo run over the scenario's ranges), the comparison table, the charts
(cumulative cost with P10-P90 bands, monthly cost by category, the tornado of inputs),
break-even, the assumptions and the price-book rows used with their dates and sources
(content in :mod:`tunecost.output.report_content`). Charts are PNG images embedded as
data URIs, so the file needs no network.

Made to paste into a decision document: sources are links whose text wraps, dates and
figures never break inside, the page fits 1,200 pixels (and an A4 or Letter page, with
a print stylesheet, so the browser's print-to-PDF gives a clean document). Text from the
scenario is escaped: in HTML it never becomes markup, in Markdown never raw HTML or
Markdown syntax.
"""

from __future__ import annotations

import base64
import html
import re
from urllib.parse import quote, urlsplit

from tunecost.output.charts import figure_bytes, tornado_figure
from tunecost.output.report_content import sections

NOWRAP = re.compile(r"^[-+$]?[\d.,]+[kMBT%]?$|^\d{4}-\d{2}(-\d{2})?$|^month \d+")
"""Cells that must not break inside: figures, dates, "month 12 (2027-11)"."""


def png_uri(fig) -> str:
    data = base64.b64encode(figure_bytes(fig, "png", dpi=100)).decode("ascii")
    return "data:image/png;base64," + data


def web_url(url) -> str | None:
    """``url`` if it is an http(s) address (the only kind a report links), else None."""
    text = str(url or "").strip()
    parts = urlsplit(text)
    return text if parts.scheme in ("http", "https") and parts.netloc else None


def link_text(url: str) -> str:
    """A source address as a link shows it: host and path, without the scheme."""
    parts = urlsplit(url)
    return (parts.netloc + parts.path).rstrip("/") or url


def _html_cell(c) -> str:
    text = str(c)
    url = web_url(text) if text.startswith(("http://", "https://")) else None
    if url is not None:
        return (
            f"<td class='src'><a href='{html.escape(url, quote=True)}'>"
            f"{html.escape(link_text(url))}</a></td>"
        )
    cls = " class='nw'" if NOWRAP.match(text) else ""
    return f"<td{cls}>{html.escape(text)}</td>"


def html_table(header, rows) -> str:
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
    body = "".join("<tr>" + "".join(_html_cell(c) for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


MD_SPECIAL = re.compile(r"([\\`*_\[\]{}()<>#|!~&])")


def md(text) -> str:
    """User text made inert in Markdown: one line, every character that could start
    Markdown syntax or raw HTML backslash-escaped (CommonMark allows it for any ASCII
    punctuation)."""
    return MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def md_code(text) -> str:
    """User text as a Markdown code span (field addresses such as
    ``paths[ft-4.1-mini].input_tokens``): shown as written, nothing inside it is Markdown
    or HTML. The fence is longer than any run of backticks inside; a pipe is escaped, as
    GitHub's tables require even in code."""
    text = " ".join(str(text).split()).replace("|", "\\|")
    runs = [len(r) for r in re.findall(r"`+", text)]
    fence = "`" * (max(runs, default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _md_cell(c) -> str:
    text = str(c)
    url = web_url(text) if text.startswith(("http://", "https://")) else None
    if url is not None:
        safe = quote(url, safe=":/?#[]@!$&'*+,;=%-._~")
        safe = safe.replace("(", "%28").replace(")", "%29")
        return f"[{md(link_text(url))}]({safe})"
    return md(text)


def _md_table(header, rows, code_first: bool = False) -> str:
    """A Markdown table; ``code_first`` shows the first column as code (field names)."""
    lines = ["| " + " | ".join(map(md, header)) + " |", "|" + "---|" * len(header)]
    for row in rows:
        cells = [md_code(c) if code_first and i == 0 else _md_cell(c) for i, c in enumerate(row)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


CSS = """body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;
color:#222;line-height:1.4;overflow-wrap:break-word}
table{border-collapse:collapse;margin:1em 0;font-size:.9em;max-width:100%}
th,td{border:1px solid #ccc;padding:.3em .6em;text-align:right;vertical-align:top}
th:first-child,td:first-child{text-align:left}td.nw{white-space:nowrap}
td.src{text-align:left;overflow-wrap:anywhere;word-break:break-word;min-width:10em}
a{color:#0b5cad}img{max-width:100%;height:auto}.rec{font-size:1.2em;font-weight:600}
.note{color:#555}
@media (max-width:820px){table{font-size:.78em}th,td{padding:.2em .35em}}
@page{margin:14mm}
@media print{body{max-width:none;margin:0;padding:0;font-size:10pt}
table{font-size:8pt;page-break-inside:auto}th,td{padding:.15em .3em}
tr,img{page-break-inside:avoid}h1,h2{page-break-after:avoid}a{color:inherit}}"""
"""Screen and print styles: a print page (A4 or Letter, whichever the browser prints
on) keeps 14 mm margins, smaller table text, rows and charts unbroken, headings with
their content."""


def render(result, tornado, fmt: str = "html", flip=None, progress=None) -> str:
    """The report as HTML or Markdown text, charts embedded. ``flip`` is the threshold
    of ``workload.requests`` where the cheapest path changes (None to leave it out);
    ``progress(done, total)`` is called as each chart is drawn."""
    c = sections(result, tornado, flip)
    cost_png = png_uri(result.plot())
    if progress is not None:
        progress(1, 2)
    tornado_png = png_uri(tornado_figure(tornado, title=result.scenario.name))
    if progress is not None:
        progress(2, 2)
    if fmt == "md":
        return _markdown(c, cost_png, tornado_png)
    return _html(c, cost_png, tornado_png)


def _markdown(c: dict, cost_png: str, tornado_png: str) -> str:
    parts = [
        f"# {md(c['title'])}",
        md(c["words"]),
        f"**{md(c['recommendation'])}** {md(c['certainty'])} {md(c['flip'])}".rstrip(),
        "## Cost by path",
        _md_table(*c["totals"]),
        _md_table(*c["per_path"]),
        md(c["definitions"]),
        f"![Cumulative and monthly cost]({cost_png})",
    ]
    if c["uncertainty"][1]:
        parts += ["## How sure", _md_table(*c["uncertainty"])]
    parts += [
        "## Which inputs matter",
        md(c["tornado_what"]),
        _md_table(*c["tornado"], code_first=True),
        f"![Tornado]({tornado_png})",
        "## Assumptions",
        "\n".join(f"- {md(a)}" for a in c["assumptions"] + c["warnings"]),
        "## Prices used",
        _md_table(*c["prices"]),
    ]
    return "\n\n".join(parts) + "\n"


def _html(c: dict, cost_png: str, tornado_png: str) -> str:
    parts = [
        f"<h1>{html.escape(c['title'])}</h1>",
        f"<p>{html.escape(c['words'])}</p>",
        f"<p class='rec'>{html.escape(c['recommendation'])}</p>",
        f"<p>{html.escape(c['certainty'])}</p>",
        f"<p>{html.escape(c['flip'])}</p>",
        "<h2>Cost by path</h2>",
        html_table(*c["totals"]),
        html_table(*c["per_path"]),
        f"<p class='note'>{html.escape(c['definitions'])}</p>",
        f"<img alt='Cumulative and monthly cost by path' src='{cost_png}'>",
    ]
    if c["uncertainty"][1]:
        parts += ["<h2>How sure</h2>", html_table(*c["uncertainty"])]
    parts += [
        "<h2>Which inputs matter</h2>",
        f"<p>{html.escape(c['tornado_what'])}</p>",
        html_table(*c["tornado"]),
        f"<img alt='Tornado of inputs' src='{tornado_png}'>",
        "<h2>Assumptions</h2><ul>"
        + "".join(f"<li>{html.escape(a)}</li>" for a in c["assumptions"] + c["warnings"])
        + "</ul>",
        "<h2>Prices used</h2>",
        html_table(*c["prices"]),
    ]
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{html.escape(c['title'])}</title><style>{CSS}</style></head><body>"
        + "\n".join(parts)
        + "</body></html>\n"
    )
