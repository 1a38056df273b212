"""A report to paste into a decision document: sources are links, text from the scenario
is escaped (never HTML in the HTML report, never raw HTML or Markdown syntax in the
Markdown one), both break-even volumes are named, and in headless Chromium the page has
no horizontal scroll at 1,200 px, its print stylesheet fits an A4 page, and it prints
to PDF."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from tunecost.cli import cli

ROOT = Path(__file__).resolve().parents[1]
RANGES = ROOT / "examples" / "support-assistant-ranges.yaml"
HOSTILE = "<img src=x onerror=alert(1)> **bold** [click](javascript:alert(1)) | `code`"


def report(tmp_path, name, scenario=RANGES, draws="200"):
    out = tmp_path / name
    r = CliRunner().invoke(cli, ["report", str(scenario), "--output", str(out), "--draws", draws])
    assert r.exit_code == 0, r.output
    return out.read_text()


@pytest.fixture(scope="module")
def html_report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("doc")
    return folder, report(folder, "report.html")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    data = yaml.safe_load(RANGES.read_text())
    data["name"] = "team <b>x</b>"
    data["description"] = HOSTILE
    data["paths"][0]["name"] = "prompt_<i>api</i>"
    path = folder / "s.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return report(folder, "r.md", path, "50"), report(folder, "r.html", path, "50")


def test_sources_are_links(html_report):
    _, text = html_report
    prices = text.split("<h2>Prices used</h2>")[1]
    links = re.findall(r"<td class='src'><a href='(https?://[^']+)'>([^<]+)</a></td>", prices)
    assert links and len(links) == prices.count("<tr>") - 1
    for url, shown in links:
        assert "://" not in shown and shown in url  # host and path, wrapped in the cell
    assert "td.src{" in text and "overflow-wrap:anywhere" in text


def test_dates_and_figures_do_not_break_inside(html_report):
    _, text = html_report
    assert "<td class='nw'>2026-11-30</td>" in text
    assert "td.nw{white-space:nowrap}" in text


def test_print_stylesheet(html_report):
    _, text = html_report
    assert "@page{margin:14mm}" in text and "@media print{" in text
    assert "page-break-inside:avoid" in text


def test_both_break_even_volumes_are_named(html_report):
    _, text = html_report
    assert "steady-state volume where monthly costs cross" in text
    assert "plan volume where the cheapest path changes" in text


def test_markdown_report_escapes_the_scenarios_text(hostile):
    md, _ = hostile
    # field names are code spans (shown as written, never markup); elsewhere every < is
    # escaped
    assert "`paths.prompt_<i>api</i>.engineering.upkeep`" in md
    prose = re.sub(r"`[^`]*`", "", md)
    assert not re.search(r"(?<!\\)<(img|b|i|/b|/i)\b", prose)
    assert "**bold**" not in md and "](javascript" not in md
    assert "\\<img src=x onerror=alert\\(1\\)\\>" in md
    assert "\\*\\*bold\\*\\*" in md
    # table rows keep their columns: a pipe in user text is escaped
    for line in md.splitlines():
        if line.startswith("| prompt"):
            assert line.count(" | ") == line.replace("\\|", "").count(" | ")


def test_html_report_escapes_the_scenarios_text(hostile):
    _, page = hostile
    assert "<img src=x" not in page and "<b>x</b>" not in page and "<i>api</i>" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
HEADLESS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--hide-scrollbars",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PROBE = (
    "<script>addEventListener('load',()=>document.body.setAttribute('data-scroll',"
    "document.documentElement.scrollWidth+'/'+document.documentElement.clientWidth))</script>"
)
A4_CONTENT_PX = 688
"""A4 (210 mm) less the print stylesheet's two 14 mm margins, at 96 px per inch; a
Letter page (215.9 mm) is wider."""


def scroll(folder: Path, page: str, width: int, *, printed: bool = False) -> tuple[int, int]:
    """(scroll width, client width) of ``page`` in Chromium at ``width`` pixels; with
    ``printed`` the print stylesheet applies as on paper."""
    if printed:
        page = page.replace("@media print{", "@media all{")
    probe = folder / f"probe-{width}-{printed}.html"
    probe.write_text(page.replace("</body>", PROBE + "</body>"))
    dom = subprocess.run(
        [
            CHROMIUM,
            *HEADLESS,
            f"--user-data-dir={folder / 'profile'}",
            f"--window-size={width},900",
            "--dump-dom",
            probe.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    found = re.search(r'data-scroll="(\d+)/(\d+)"', dom)
    assert found, dom[:500]
    return int(found.group(1)), int(found.group(2))


needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed (.ci/run installs it)"
)


@needs_chromium
def test_no_horizontal_scroll_at_1200_px(html_report):
    folder, page = html_report
    wide, client = scroll(folder, page, 1200)
    assert client == 1200 and wide <= client


@needs_chromium
def test_the_print_stylesheet_fits_an_a4_page(html_report):
    folder, page = html_report
    wide, client = scroll(folder, page, A4_CONTENT_PX, printed=True)
    assert wide <= client


@needs_chromium
def test_links_in_the_browser_and_print_to_pdf(html_report):
    folder, _ = html_report
    path = folder / "report.html"
    common = [CHROMIUM, *HEADLESS, f"--user-data-dir={folder / 'profile'}"]
    dom = subprocess.run(
        [*common, "--dump-dom", path.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    assert len(re.findall(r'<a href="https?://', dom)) >= 3
    pdf = folder / "report.pdf"
    subprocess.run(
        [*common, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", path.as_uri()],
        capture_output=True,
        timeout=120,
        check=True,
    )
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
    assert 2 <= pages <= 12
    assert b"/URI" in data  # the source links survive into the PDF
