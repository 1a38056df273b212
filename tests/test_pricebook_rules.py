"""One test per rule ``pricing validate`` enforces on dates and sources (the schema,
unit, duplicate and provider rules are in test_pricebook.py)."""

import csv
import io
import shutil
from pathlib import Path

import pytest

from tunecost.pricebook import validate
from tunecost.pricebook.validate import source_problem

PRICING = Path(__file__).parents[1] / "pricing"


def _edit(tmp_path, table: str, column: str, value: str, row: int = 0) -> tuple[Path, int]:
    """A copy of the book with ``column`` of data row ``row`` of ``table`` set to
    ``value``; returns the folder and the spreadsheet row number (header = row 1)."""
    folder = tmp_path / "pricing"
    shutil.copytree(PRICING, folder)
    path = folder / table
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    rows[row][column] = value
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return folder, row + 2


@pytest.mark.parametrize("table", ["api_models.csv", "finetune_prices.csv"])
def test_a_price_cannot_take_effect_after_it_was_read_unless_announced(tmp_path, table):
    folder, n = _edit(tmp_path, table, "effective_from", "2099-01-01")
    problems = validate(folder)
    assert any(
        p.startswith(f"{table}, row {n}, column effective_from: 2099-01-01 is after")
        for p in problems
    )
    rows = list(csv.DictReader((folder / table).open(encoding="utf-8")))
    rows[0]["announced"] = "yes"
    with (folder / table).open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    assert not any(f"row {n}, column effective_from" in p for p in validate(folder))


def test_announced_takes_only_yes(tmp_path):
    folder, n = _edit(tmp_path, "api_models.csv", "announced", "maybe")
    assert any(
        f"row {n}, column announced: 'maybe' is not one of yes" in p for p in validate(folder)
    )


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("https://github.com/o/r/blob/main/prices.json", "names the branch 'main'"),
        ("https://raw.githubusercontent.com/o/r/master/x.csv", "names the branch 'master'"),
        ("https://example.com/pricing?check=20261115", "made-up query value '20261115'"),
        ("https://example.com/pricing?as_of=2026-11-15", "made-up query value '2026-11-15'"),
        ("example.com/pricing", "is not a URL"),
        ("https://exa mple.com", "is not a URL"),
    ],
)
def test_sources_must_be_pinned_and_real(url, problem, tmp_path):
    assert problem in source_problem(url)
    folder, n = _edit(tmp_path, "finetune_prices.csv", "source_url", url)
    assert any(
        f"finetune_prices.csv, row {n}, column source_url" in p and problem in p
        for p in validate(folder)
    )


@pytest.mark.parametrize(
    "url",
    [
        "https://github.com/o/r/blob/47df840a5ab10bbcffb8e5ac01b9899032245d1b/prices.json",
        "https://aws.amazon.com/ec2/pricing/on-demand/?nc1=h_ls",
        "https://platform.openai.com/docs/pricing",
        "file:litellm.json",
    ],
)
def test_good_sources_pass(url):
    assert source_problem(url) is None


def test_an_offer_names_its_market(tmp_path):
    folder, n = _edit(tmp_path, "gpu_offers.csv", "market", "bazaar")
    assert any(
        f"gpu_offers.csv, row {n}, column market: 'bazaar' is not one of" in p
        for p in validate(folder)
    )
    folder, n = _edit(tmp_path / "b", "gpu_offers.csv", "market", "")
    assert any(f"gpu_offers.csv, row {n}, column market: empty" in p for p in validate(folder))


@pytest.mark.parametrize(
    ("column", "value", "problem"),
    [
        ("released", "2099-01-01", "column released: 2099-01-01 is after retrieved"),
        ("retrieved", "2099-01-01", "column retrieved: 2099-01-01 is in the future"),
        ("lifecycle_source_url", "", "column lifecycle_source_url: empty; cite the dates"),
        ("source_url", "https://github.com/o/r/blob/main/x", "names the branch 'main'"),
        ("kind", "closed", "column kind: 'closed' is not one of api, open-weight"),
    ],
)
def test_release_rows_are_checked(tmp_path, column, value, problem):
    rows = list(csv.DictReader((PRICING / "model_releases.csv").open(encoding="utf-8")))
    index = (
        next(i for i, r in enumerate(rows) if r["shutdown"])
        if column == "lifecycle_source_url"
        else 0
    )
    folder, n = _edit(tmp_path, "model_releases.csv", column, value, row=index)
    assert any(
        p.startswith(f"model_releases.csv, row {n}") and problem in p for p in validate(folder)
    )


def test_a_release_is_listed_once(tmp_path):
    rows = list(csv.DictReader((PRICING / "model_releases.csv").open(encoding="utf-8")))
    folder, n = _edit(tmp_path, "model_releases.csv", "model", rows[1]["model"], row=0)
    assert any(f"model_releases.csv, row 3: duplicate of row {n}" in p for p in validate(folder))


def test_a_shutdown_cannot_precede_its_deprecation(tmp_path):
    rows = list(csv.DictReader((PRICING / "model_releases.csv").open(encoding="utf-8")))
    index = next(i for i, r in enumerate(rows) if r["shutdown"] and r["deprecated"])
    folder, n = _edit(tmp_path, "model_releases.csv", "shutdown", "2000-01-01", row=index)
    assert any(
        f"row {n}, column shutdown: 2000-01-01 is before deprecated" in p for p in validate(folder)
    )


def test_a_providers_billing_rule_cites_its_page(tmp_path):
    rows = list(csv.DictReader((PRICING / "providers.csv").open(encoding="utf-8")))
    index = next(i for i, r in enumerate(rows) if r["finetune_hosting"] not in ("", "unknown"))
    folder, n = _edit(tmp_path, "providers.csv", "finetune_hosting_source_url", "", row=index)
    assert (
        f"providers.csv, row {n}, column finetune_hosting_source_url: empty; cite the rule"
        in validate(folder)
    )
    folder, n = _edit(tmp_path / "b", "providers.csv", "pricing_url", "https://x.com/p?d=20260101")
    assert any(f"providers.csv, row {n}, column pricing_url" in p for p in validate(folder))


@pytest.mark.parametrize(
    ("table", "column", "value", "fragment"),
    [
        ("tokenizers.csv", "tokens_per_word", "7", "not in 0.5-3"),
        ("tokenizers.csv", "chars_per_token", "0.2", "not in 1-10"),
        ("model_releases.csv", "tokenizer", "gpt5", "'gpt5' is not in tokenizers.csv"),
    ],
)
def test_tokenizer_ratios_are_plausible_and_release_tokenizers_listed(
    tmp_path, table, column, value, fragment
):
    folder, n = _edit(tmp_path, table, column, value)
    problems = validate(folder)
    assert any(
        p.startswith(f"{table}, row {n}, column {column}") and fragment in p for p in problems
    ), problems
