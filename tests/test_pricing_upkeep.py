"""Keeping the book fresh: ``pricing diff``, ``pricing stale``, the reference tables in
``pricing list`` and a date with nothing in effect."""

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from tunecost.cli import cli

PRICING = Path(__file__).parents[1] / "pricing"


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture
def edited(tmp_path):
    """A copy of the book with one API price changed, one row added and one removed."""
    folder = tmp_path / "new"
    shutil.copytree(PRICING, folder)
    path = folder / "api_models.csv"
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    target = next(r for r in rows if r["provider"] == "openai" and r["kind"] == "input")
    key = (target["provider"], target["model"], target["kind"])
    history = [r for r in rows if (r["provider"], r["model"], r["kind"]) == key]
    newest = max(history, key=lambda r: r["effective_from"])
    newest["price"] = str(float(newest["price"]) * 2)
    removed = rows.pop(next(i for i, r in enumerate(rows) if r["provider"] == "anthropic"))
    added = dict(rows[0], provider="openai", model="gpt-test", kind="output", price="9")
    rows.append(added)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return folder, newest, removed


def test_diff_of_two_books_names_each_change(edited):
    folder, changed, removed = edited
    r = run("pricing", "diff", PRICING, folder, "--format", "json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    by_change = {(c["change"], c["provider"], c["item"], c["kind"]): c for c in data["changes"]}
    hit = by_change[("changed", "openai", changed["model"].lower(), "input")]
    assert hit["new_price"] == pytest.approx(2 * hit["old_price"])
    assert ("added", "openai", "gpt-test", "output") in by_change
    counts = {row["provider"]: row for row in data["by_provider"]}
    assert counts["openai"]["changed"] >= 1 and counts["openai"]["added"] >= 1
    assert (
        any(c["change"] == "removed" or c["change"] == "re-dated" for c in data["changes"])
        or removed
    )


def test_diff_of_two_imported_tables(tmp_path):
    old = tmp_path / "old.csv"
    new = tmp_path / "new.csv"
    text = (PRICING / "finetune_prices.csv").read_text(encoding="utf-8")
    old.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    new.write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")  # the last row removed
    r = run("pricing", "diff", old, new, "--format", "csv")
    assert r.exit_code == 0, r.output
    changes = list(csv.DictReader(io.StringIO(r.stdout)))
    assert len(changes) in (1, 2)  # removed (or re-dated back to an older row)
    assert run("pricing", "diff", old, old).stdout.startswith("no price differs")


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["pricing", "diff", "nope.csv", PRICING], "OLD: nope.csv: no such file or folder"),
        (["pricing", "diff", PRICING / "providers.csv", PRICING], "is not a price-book table"),
    ],
)
def test_diff_refuses_what_is_not_a_book(args, fragment):
    r = run(*args)
    assert r.exit_code == 2
    assert fragment in r.output


def test_stale_lists_old_rows_by_provider_with_the_page_to_check():
    r = run("pricing", "stale", "--days", "30", "--format", "json")
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)
    assert rows and all(row["age_days"] > 30 and row["source_url"] for row in rows)
    assert [row["age_days"] for row in rows] == sorted(
        (row["age_days"] for row in rows), reverse=True
    )
    assert run("pricing", "stale", "--days", "100000").stdout.startswith("every row was retrieved")


@pytest.mark.parametrize(
    ("kind", "column"),
    [("model", "params_total"), ("gpu-spec", "hbm_bandwidth_gbps"), ("release", "shutdown")],
)
def test_list_shows_the_reference_tables(kind, column):
    r = run("pricing", "list", "--kind", kind, "--format", "csv")
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert rows and column in rows[0]


def test_list_on_a_date_with_nothing_in_effect_says_so():
    r = run("pricing", "list", "--kind", "api", "--as-of", "2001-01-01")
    assert r.exit_code == 0
    assert "no api prices in effect on 2001-01-01" in r.stdout
    assert "its rows start" in r.stderr
