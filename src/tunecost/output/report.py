"""One self-contained report a team can act on: HTML (or Markdown) with embedded charts.

The report states the scenario in words, the recommendation and how sure it is (from a
Monte Carlo run over the scenario's ranges), the comparison table, the charts
(cumulative cost with P10-P90 bands, monthly cost by category, the tornado of inputs),
break-even, the assumptions and the price-book rows used with their dates and sources
(content in :mod:`tunecost.output.report_content`). Charts are PNG images embedded as
data URIs, so the file needs no network.
"""

from __future__ import annotations

import base64
import html

from tunecost.output.charts import figure_bytes, tornado_figure
from tunecost.output.report_content import sections


def _png(fig) -> str:
    data = base64.b64encode(figure_bytes(fig, "png", dpi=110)).decode("ascii")
    return "data:image/png;base64," + data


def _html_table(header, rows) -> str:
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _md_table(header, rows) -> str:
    def esc(c):
        return str(c).replace("|", "\\|")

    lines = ["| " + " | ".join(map(esc, header)) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(map(esc, row)) + " |" for row in rows]
    return "\n".join(lines)


CSS = """body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;
color:#222}table{border-collapse:collapse;margin:1em 0;font-size:.9em}th,td{border:1px solid
#ccc;padding:.3em .6em;text-align:right}th:first-child,td:first-child{text-align:left}
img{max-width:100%}.rec{font-size:1.2em;font-weight:600}.note{color:#555}"""


def render(result, tornado, fmt: str = "html", flip=None) -> str:
    """The report as HTML or Markdown text, charts embedded. ``flip`` is the threshold
    of ``workload.requests`` where the cheapest path changes (None to leave it out)."""
    c = sections(result, tornado, flip)
    cost_png = _png(result.plot())
    tornado_png = _png(tornado_figure(tornado, title=result.scenario.name))
    if fmt == "md":
        return _markdown(c, cost_png, tornado_png)
    return _html(c, cost_png, tornado_png)


def _markdown(c: dict, cost_png: str, tornado_png: str) -> str:
    parts = [
        f"# {c['title']}",
        c["words"],
        f"**{c['recommendation']}** {c['certainty']} {c['flip']}".rstrip(),
        "## Cost by path",
        _md_table(*c["totals"]),
        _md_table(*c["per_path"]),
        f"![Cumulative and monthly cost]({cost_png})",
    ]
    if c["uncertainty"][1]:
        parts += ["## How sure", _md_table(*c["uncertainty"])]
    parts += [
        "## Which inputs matter",
        c["tornado_what"],
        _md_table(*c["tornado"]),
        f"![Tornado]({tornado_png})",
        "## Assumptions",
        "\n".join(f"- {a}" for a in c["assumptions"] + c["warnings"]),
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
        _html_table(*c["totals"]),
        _html_table(*c["per_path"]),
        f"<img alt='Cumulative and monthly cost by path' src='{cost_png}'>",
    ]
    if c["uncertainty"][1]:
        parts += ["<h2>How sure</h2>", _html_table(*c["uncertainty"])]
    parts += [
        "<h2>Which inputs matter</h2>",
        f"<p>{html.escape(c['tornado_what'])}</p>",
        _html_table(*c["tornado"]),
        f"<img alt='Tornado of inputs' src='{tornado_png}'>",
        "<h2>Assumptions</h2><ul>"
        + "".join(f"<li>{html.escape(a)}</li>" for a in c["assumptions"] + c["warnings"])
        + "</ul>",
        "<h2>Prices used</h2>",
        _html_table(*c["prices"]),
    ]
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(c['title'])}</title><style>{CSS}</style></head><body>"
        + "\n".join(parts)
        + "</body></html>\n"
    )
