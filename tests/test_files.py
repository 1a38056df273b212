"""Files tunecost writes: nothing half-written, nothing a spreadsheet would execute."""

import csv
import io
import os

import pytest
import yaml
from click.testing import CliRunner

from tunecost.cli import cli
from tunecost.output import files, tables

MALICIOUS = '=HYPERLINK("http://evil.example","click")'

SCENARIO = {
    "name": "=cmd|' /C calc'!A0",
    "start": "2027-01",
    "months": 2,
    "workload": {"requests": "1000 requests/month", "input_tokens": 100, "output_tokens": 10},
    "paths": [
        {"name": MALICIOUS, "kind": "prompt-api", "provider": "openai", "model": "gpt-4.1-mini"},
        {
            "name": "+SUM(A1:A9)",
            "kind": "prompt-api",
            "provider": "openai",
            "model": "gpt-4.1-nano",
        },
    ],
}


def test_ledger_csv_escapes_formula_text(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(SCENARIO))
    out = tmp_path / "ledger.csv"
    r = CliRunner().invoke(cli, ["compare", str(path), "--csv", str(out)])
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    names = {row["path"] for row in rows}
    assert names == {"'" + MALICIOUS, "'+SUM(A1:A9)"}
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "@", "\t", "\r")), value
    # numbers stay numbers
    assert float(rows[0]["usd"]) >= 0


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1+2", "@SUM(1)", "\tx", "\rx"])
def test_spreadsheet_safe(text):
    assert tables.spreadsheet_safe(text) == "'" + text
    assert tables.spreadsheet_safe(-1.5) == -1.5
    assert tables.spreadsheet_safe("plain") == "plain"


def test_render_rows_csv_escapes_text_cells():
    out = tables.render_rows([{"model": "=evil()", "price": -0.0}], ["model", "price"], "csv")
    assert list(csv.reader(io.StringIO(out)))[1] == ["'=evil()", "-0.0"]


def test_interrupted_write_keeps_the_previous_file(tmp_path, monkeypatch):
    target = tmp_path / "ledger.csv"
    target.write_text("previous contents\n")

    def fail(src, dst):
        raise KeyboardInterrupt  # the user pressed Ctrl-C between write and rename

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(KeyboardInterrupt):
        files.write_atomic(target, "new contents\n")
    assert target.read_text() == "previous contents\n"
    assert [p.name for p in tmp_path.iterdir()] == ["ledger.csv"]


def test_failure_while_writing_leaves_no_temporary_file(tmp_path):
    with pytest.raises(TypeError):  # the write itself fails: not str or bytes
        files.write_atomic(tmp_path / "x.json", object())
    assert list(tmp_path.iterdir()) == []


def test_compare_with_a_bad_chart_name_writes_nothing(tmp_path):
    r = CliRunner().invoke(
        cli, ["compare", "--csv", str(tmp_path / "l.csv"), "--chart", str(tmp_path / "c.jpg")]
    )
    assert r.exit_code == 2
    assert list(tmp_path.iterdir()) == []


def test_written_file_replaces_atomically(tmp_path):
    target = tmp_path / "out.txt"
    files.write_atomic(target, "one\n")
    files.write_atomic(target, b"two\n")
    assert target.read_bytes() == b"two\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]
