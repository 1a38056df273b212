"""The remaining tracebacks of issue 16, each now one line and exit 2 (or a success where
that is right): seeds, long file names, unwritable folders, non-finite ledgers, mathtext
in names, warnings under ``python -W error``; and names are text (control characters
refused, the Markdown report escapes user text)."""

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from helpers import only_line_but_warnings
from tunecost.cli import cli
from tunecost.cli.options import bundled_example
from tunecost.output import files

EXAMPLE = bundled_example()
PYTHON = sys.executable


def _refused(args, fragment: str, folder: Path) -> str:
    before = sorted(p.name for p in folder.iterdir())
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    line = only_line_but_warnings(result)
    assert fragment in line, line
    assert sorted(p.name for p in folder.iterdir()) == before
    return line


@pytest.mark.parametrize("seed", ["-1", str(2**64), "9" * 40])
def test_bad_seed(seed, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    line = _refused(["compare", "--draws", "10", "--seed", seed], "2**64 - 1", tmp_path)
    assert line.startswith("Error: --seed:")


def test_largest_seed_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["compare", "--draws", "10", "--seed", str(2**64 - 1)])
    assert result.exit_code == 0, result.output


def test_long_file_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    line = _refused(["compare", "--output", "a" * 300 + ".txt"], "too long", tmp_path)
    assert line.startswith("Error: --output:")


def test_folder_without_write_permission(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    locked = tmp_path / "locked"
    locked.mkdir()
    real = os.access
    monkeypatch.setattr(files.os, "access", lambda p, m: False if Path(p) == locked else real(p, m))
    line = _refused(["compare", "--csv", "locked/l.csv"], "not writable", tmp_path)
    assert line.startswith("Error: --csv:")
    assert list(locked.iterdir()) == []


def test_permission_error_while_writing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    def denied(*_a, **_k):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(files.tempfile, "mkstemp", denied)
    line = _refused(["compare", "--output", "o.txt"], "permission denied", tmp_path)
    assert line.startswith("Error: --output:")


def test_proc_self_fd(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _refused(["compare", "--output", "/proc/self/fd/1"], "standard output", tmp_path)


def _ledger(tmp_path: Path) -> Path:
    path = tmp_path / "ledger.csv"
    result = CliRunner().invoke(cli, ["compare", "--csv", str(path)])
    assert result.exit_code == 0, result.output
    return path


@pytest.mark.parametrize("value", ["inf", "-inf", "1e400"])
def test_chart_on_non_finite_ledger(value, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = _ledger(tmp_path)
    lines = path.read_text().splitlines()
    head = lines[0].split(",")
    at = head.index("usd")
    rows = []
    for line in lines[1:]:
        cells = line.split(",")
        cells[at] = value
        rows.append(",".join(cells))
    path.write_text("\n".join([lines[0], *rows]) + "\n")
    line = _refused(["chart", "ledger.csv", "--output", "c.png"], "column usd", tmp_path)
    assert line.startswith("Error: LEDGER:")


def _scenario(tmp_path: Path, **changes) -> Path:
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data.update(changes)
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


MATH = "$\\frac{1}{$ and $x^$"


def test_mathtext_in_a_chart_title_is_drawn_literally(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _ledger(tmp_path)
    result = CliRunner().invoke(cli, ["chart", "ledger.csv", "-o", "c.svg", "--title", MATH])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "c.svg").stat().st_size > 1000


def test_mathtext_in_names_and_paths(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _scenario(tmp_path, name=MATH)
    result = CliRunner().invoke(cli, ["compare", "s.yaml", "--chart", "$x$.png"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "$x$.png").read_bytes()[:4] == b"\x89PNG"


def test_cjk_name_under_warnings_as_errors(tmp_path):
    _scenario(tmp_path, name="中文名字的成本")
    proc = subprocess.run(
        [PYTHON, "-W", "error", "-m", "tunecost", "compare", "s.yaml", "--chart", "c.png"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    warned = [x for x in proc.stderr.splitlines() if x.startswith("Warning:")]
    assert len(warned) <= 1, proc.stderr
    assert (tmp_path / "c.png").exists()


CONTROLS = ["\x1b[31m", "\x00", "\x7f", "\x9b", "\t"]


@pytest.mark.parametrize("char", CONTROLS)
def test_control_characters_in_scenario_name(char, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _scenario(tmp_path, name=f"bad{char}name")
    line = _refused(["compare", "s.yaml"], "control character", tmp_path)
    assert "name" in line and "\x1b" not in line and "\x00" not in line


@pytest.mark.parametrize("char", CONTROLS)
def test_control_characters_in_path_name(char, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    first = data["paths"][0]["name"]
    args = ["compare", "s.yaml", "--set", f"paths[{first}].name=x{char}y"]
    line = _refused(args, "control character", tmp_path)
    assert ".name" in line


def test_markdown_report_escapes_user_text(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    name = "<script>alert(1)</script> **b** [l](javascript:a) # h"
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data["name"] = name
    data["paths"][0]["name"] = "p|<i>q</i>`x`"
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    result = CliRunner().invoke(cli, ["report", "s.yaml", "--output", "r.md"])
    assert result.exit_code == 0, result.output
    text = (tmp_path / "r.md").read_text(encoding="utf-8")
    prose = "\n".join(x for x in text.splitlines() if "`" not in x.replace("\\`", ""))
    assert "<script>" not in prose and "<i>" not in prose
    assert "](javascript:" not in text
    assert "\\<script\\>" in text and "\\*\\*b\\*\\*" in text
