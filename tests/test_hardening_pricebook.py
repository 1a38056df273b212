"""Hardening, second pass (issue 16, points 3 and 4): the price book and the importers
never guess. Conflicting duplicate rows and a repeated header are errors wherever a table
is read; a cell over the cap is one line; a future-dated row applies from its date in a
plan that crosses it; the importers refuse duplicate JSON keys, deep nesting, huge
integers, YAML aliases and a ``retrieved`` date in the future, and count what they skip."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import tunecost
from tunecost.cli import cli
from tunecost.errors import InputError, PriceBookError
from tunecost.pricebook import reading
from tunecost.pricebook.book import PriceBook, open_book
from tunecost.pricebook.catalogue import MAX_GPUS_PER_OFFER, ImportedRows
from tunecost.pricebook.genai_prices import import_genai_prices
from tunecost.pricebook.importers import import_litellm, import_skypilot
from tunecost.pricebook.validate import validate
from tunecost.scenario.loading import parse_scenario

DAY = dt.date(2026, 11, 1)
FUTURE = dt.date.today() + dt.timedelta(days=1)
PRICE_HEADER = (
    "provider,model,kind,unit,price,context_over_tokens,effective_from,announced,"
    "source_url,retrieved,notes"
)
SOURCE = "https://example.com/p,2026-11-25"


@pytest.fixture
def book_dir(tmp_path) -> Path:
    """A copy of the bundled price book to change."""
    folder = tmp_path / "pricing"
    shutil.copytree(open_book().directory, folder)
    return folder


def _append(path: Path, *lines: str) -> None:
    with path.open("a", encoding="utf-8") as f:
        f.write("".join(f"{line}\n" for line in lines))


def _one_line(exc: pytest.ExceptionInfo) -> str:
    text = str(exc.value)
    assert "\n" not in text and "Traceback" not in text
    return text


# ---- tables of the book --------------------------------------------------------------------


def test_conflicting_duplicate_price_rows_are_an_error_when_the_book_is_read(book_dir):
    _append(
        book_dir / "api_models.csv",
        f"acme,m1,input,USD/1M tokens,1.0,,2026-01-01,,{SOURCE},",
        f"acme,m1,input,USD/1M tokens,2.0,,2026-01-01,,{SOURCE},",
    )
    with pytest.raises(PriceBookError) as exc:
        _ = PriceBook(directory=book_dir).prices
    line = _one_line(exc)
    assert "api_models.csv, row" in line and "column price" in line and "conflicts" in line


def test_an_exact_repeat_of_a_price_row_is_harmless_when_read(book_dir):
    row = f"acme,m1,input,USD/1M tokens,1.0,,2026-01-01,,{SOURCE},"
    _append(book_dir / "api_models.csv", row, row)
    prices = [p for p in PriceBook(directory=book_dir).prices if p.model == "m1"]
    assert [p.price for p in prices] == [1.0, 1.0]


def test_conflicting_gpu_offers_are_an_error(book_dir):
    _append(
        book_dir / "gpu_offers.csv",
        "acme,box-1,h100-sxm,1,2.0,,,r1,cloud,2026-01-01,https://example.com/o,2026-11-25,",
        "acme,box-1,h100-sxm,1,3.0,,,r1,cloud,2026-01-01,https://example.com/o,2026-11-25,",
    )
    with pytest.raises(PriceBookError, match=r"gpu_offers.csv, row \d+, column on_demand"):
        _ = PriceBook(directory=book_dir).offers


def test_a_repeated_header_column_is_an_error_in_compare_and_validate(book_dir):
    path = book_dir / "finetune_prices.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[0] += ",price"
    path.write_text("\n".join(f"{x}," if i else x for i, x in enumerate(lines)) + "\n")
    with pytest.raises(PriceBookError) as exc:
        _ = PriceBook(directory=book_dir).prices
    assert "column 'price' appears twice in the header" in _one_line(exc)
    assert any("appears twice" in p for p in validate(book_dir))


def test_a_cell_over_the_cap_is_one_line_and_a_long_one_under_it_reads(book_dir, monkeypatch):
    long_note = "x" * 200_000  # over the csv module's default of 131,072
    _append(
        book_dir / "api_models.csv",
        f"acme,m1,input,USD/1M tokens,1.0,,2026-01-01,,{SOURCE},{long_note}",
    )
    assert any(p.model == "m1" for p in PriceBook(directory=book_dir).prices)
    monkeypatch.setattr(reading, "MAX_CELL_CHARS", 100_000)
    with pytest.raises(PriceBookError) as exc:
        _ = PriceBook(directory=book_dir).prices
    assert "a cell is longer than 100,000 characters" in _one_line(exc)


def test_a_future_dated_row_applies_from_its_date_in_a_plan_that_crosses_it(book_dir):
    # claude-haiku-4-5: 1 USD/1M input, 5 USD/1M output; a rise to 3 USD/1M input is
    # announced from 2027-07-01 (month 7), and to 4 USD/1M from 2027-09-15 (billed from
    # month 10, the first whole month it covers)
    _append(
        book_dir / "api_models.csv",
        f"anthropic,claude-haiku-4-5,input,USD/1M tokens,3.0,,2027-07-01,yes,{SOURCE},",
        f"anthropic,claude-haiku-4-5,input,USD/1M tokens,4.0,,2027-09-15,yes,{SOURCE},",
    )
    data = {
        "name": "t",
        "start": "2027-01",
        "months": 12,
        "workload": {"requests": "100k requests/month", "input_tokens": 1000, "output_tokens": 100},
        "paths": [
            {
                "name": "api",
                "kind": "prompt-api",
                "provider": "anthropic",
                "model": "claude-haiku-4-5",
            }
        ],
    }
    result = tunecost.compare(parse_scenario(data), book=PriceBook(directory=book_dir))
    led = result.ledger
    inference = led[led.category == "inference"].set_index("month").usd
    # 100k requests x (1000 x input + 100 x 5e-6)
    assert inference.loc[1:6].tolist() == pytest.approx([150.0] * 6)
    assert inference.loc[7:9].tolist() == pytest.approx([350.0] * 3)
    assert inference.loc[10:12].tolist() == pytest.approx([450.0] * 3)


# ---- LiteLLM ---------------------------------------------------------------------------------

GOOD = {"input_cost_per_token": 1e-6, "output_cost_per_token": 2e-6, "litellm_provider": "openai"}
ENTRY = json.dumps(GOOD)


def _json(tmp_path: Path, text: str, name: str = "prices.json") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        (f'{{"m": {ENTRY}, "m": {ENTRY}}}', "key 'm' is given twice"),
        (f'{{"m": {ENTRY}, "x": {"[" * 100_000 + "]" * 100_000}}}', "nests deeper"),
        (f'{{"m": {ENTRY}, "x": {"[" * 70 + "]" * 70}}}', "nests deeper"),
        (f'{{"m": {ENTRY}, "x": {"9" * 401}}}', "an integer of 401 digits"),
    ],
    ids=["duplicate-key", "deep-100k", "deep-75", "401-digits"],
)
def test_litellm_json_beyond_a_bound_is_refused_in_one_line(tmp_path, text, fragment):
    with pytest.raises(InputError) as exc:
        import_litellm(_json(tmp_path, text), retrieved=DAY)
    assert fragment in _one_line(exc)


def test_litellm_bad_prices_are_skipped_and_counted_never_written(tmp_path):
    bad = {
        "nan": "NaN",
        "neg": "-1e-6",
        "text": '"$0.80"',
        "bool": "true",
        "huge": "1e300",
        "dear": "0.02",  # 20,000 USD/1M tokens
    }
    entries = {"good": GOOD}
    for name in bad:
        entries[name] = {**GOOD, "output_cost_per_token": "@"}
    text = json.dumps(entries)
    for value in bad.values():  # JSON literals json.dumps would not write (NaN, true, ...)
        text = text.replace('"output_cost_per_token": "@"', f'"output_cost_per_token": {value}', 1)
    rows = import_litellm(_json(tmp_path, text), retrieved=DAY)
    assert isinstance(rows, ImportedRows)
    outputs = {r["model"] for r in rows if r["kind"] == "output"}
    assert outputs == {"good"}
    assert all(0 <= r["price"] <= 10_000 for r in rows)
    assert rows.skipped == {
        "prices that are NaN or infinite": 1,
        "negative prices": 1,
        "prices that are not a number (e.g. '$0.80')": 1,
        "prices that are true or false, not a number": 1,
        "prices above 10,000 USD/1M tokens": 2,  # 1e300 and 0.02 USD/token
    }
    assert any(n.startswith("skipped 1 negative prices") for n in rows.notes)


def test_a_retrieved_date_in_the_future_is_refused(tmp_path):
    path = _json(tmp_path, json.dumps({"good": GOOD}))
    with pytest.raises(InputError, match=r"retrieved: .* is in the future"):
        import_litellm(path, retrieved=FUTURE)
    with pytest.raises(InputError, match="in the future"):
        import_genai_prices(path, retrieved=FUTURE)


def test_the_cli_exits_2_with_one_line(tmp_path):
    text = f'{{"m": {ENTRY}, "m": {ENTRY}}}'
    result = CliRunner().invoke(cli, ["pricing", "import", "litellm", str(_json(tmp_path, text))])
    assert result.exit_code == 2
    lines = [x for x in result.output.splitlines() if x.strip()]
    assert len(lines) == 1 and "given twice" in lines[0]


# ---- SkyPilot --------------------------------------------------------------------------------

SKY_HEADER = ["InstanceType", "AcceleratorName", "AcceleratorCount", "Price", "SpotPrice", "Region"]


def _sky(tmp_path: Path, rows: list[list], header=SKY_HEADER) -> Path:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    path = tmp_path / "aws" / "vms.csv"
    path.parent.mkdir(exist_ok=True)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def test_skypilot_absurd_counts_and_prices_are_skipped_and_counted(tmp_path):
    path = _sky(
        tmp_path,
        [
            ["good.1", "H100", "1", "2.5", "", "r1"],
            ["huge.count", "H100", "1e300", "2.5", "", "r1"],
            ["many.gpus", "H100", str(MAX_GPUS_PER_OFFER + 1), "200", "", "r1"],
            ["dollar", "H100", "1", "$0.80", "", "r1"],
            ["negative", "H100", "1", "-5", "", "r1"],
            ["nan", "H100", "1", "nan", "", "r1"],
            ["inf", "H100", "1", "", "inf", "r1"],
            ["dear", "H100", "1", "5000", "", "r1"],
            ["cpu", "", "", "0.1", "", "r1"],
        ],
    )
    rows, notes = import_skypilot(path, retrieved=DAY)
    assert [r["instance"] for r in rows] == ["good.1"]
    assert rows.skipped == {
        "rows with more than 64 GPUs": 2,  # 1e300 and 65
        "rows with prices that are not a number (e.g. '$0.80')": 1,
        "rows with negative prices": 1,
        "rows with prices that are NaN or infinite": 2,
        "rows with prices above 1,000 USD/GPU-hour": 1,
        "rows without an accelerator": 1,
    }
    assert "skipped 2 rows with more than 64 GPUs" in notes
    assert not any("without an accelerator" in n for n in notes)


@pytest.mark.parametrize(
    ("header", "fragment"),
    [
        ([*SKY_HEADER, "Price"], "column 'Price' appears twice in the header"),
        (SKY_HEADER, "a cell is longer than"),
    ],
    ids=["repeated-header", "oversized-cell"],
)
def test_skypilot_malformed_csv_is_one_line(tmp_path, monkeypatch, header, fragment):
    monkeypatch.setattr("tunecost.pricebook.catalogue.MAX_CELL_CHARS", 1_000)
    rows = [["good.1", "H100", "1", "2.5", "", "r1" + "x" * 2_000, "1"][: len(header)]]
    with pytest.raises(InputError) as exc:
        import_skypilot(_sky(tmp_path, rows, header), retrieved=DAY)
    assert fragment in _one_line(exc)


def test_skypilot_retrieved_in_the_future_is_refused(tmp_path):
    path = _sky(tmp_path, [["good.1", "H100", "1", "2.5", "", "r1"]])
    with pytest.raises(InputError, match="in the future"):
        import_skypilot(path, retrieved=FUTURE)


# ---- genai-prices ----------------------------------------------------------------------------

MODEL = {"id": "m1", "prices": {"input_mtok": 1, "output_mtok": 2}}


def test_genai_prices_yaml_aliases_and_deep_json_are_refused(tmp_path):
    yml = tmp_path / "p.yml"
    yml.write_text(
        "id: acme\nmodels:\n  - &a {id: m1, prices: {input_mtok: 1, output_mtok: 2}}\n  - *a\n"
    )
    with pytest.raises(InputError) as exc:
        import_genai_prices(yml, retrieved=DAY)
    assert "aliases" in _one_line(exc)
    deep = _json(tmp_path, '[{"id": "acme", "models": [], "x": %s}]' % ("[" * 5000 + "]" * 5000))
    with pytest.raises(InputError, match="nests deeper"):
        import_genai_prices(deep, retrieved=DAY)
    twice = _json(tmp_path, '[{"id": "acme", "id": "b", "models": []}]', "twice.json")
    with pytest.raises(InputError, match="given twice"):
        import_genai_prices(twice, retrieved=DAY)


def test_genai_prices_over_the_ceiling_are_skipped_and_counted(tmp_path):
    dear = {"id": "m2", "prices": {"input_mtok": 50_000, "output_mtok": 2}}
    path = _json(tmp_path, json.dumps([{"id": "acme", "models": [MODEL, dear]}]))
    rows, notes = import_genai_prices(path, retrieved=DAY)
    assert {r["model"] for r in rows} == {"m1"}
    assert rows.skipped["price values that are not a number from 0 to 10,000 or tiers"] == 1
    assert any("from 0 to 10,000" in n for n in notes)


def test_a_missing_or_broken_book_exits_2(tmp_path):
    from click.testing import CliRunner

    from tunecost.cli import cli

    missing = CliRunner().invoke(cli, ["--pricing-dir", str(tmp_path / "none"), "compare"])
    assert missing.exit_code == 2
    assert CliRunner().invoke(cli, ["pricing", "validate", str(tmp_path / "none")]).exit_code == 2
