"""Defaults per team: a tunecost.toml in the current folder (or the user config folder)
changes the engineer rate and says so, a scenario's own value wins, a path kind takes
defaults, providers outside the allowed list are refused, markets are kept for the GPU
offer choice, the price-book folder is used, and mistakes in the file are one line."""

import json
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from tunecost.cli import cli
from tunecost.errors import InputError
from tunecost.scenario.team_defaults import (
    ENV_VAR,
    TeamDefaults,
    find_config,
    load_with_defaults,
    merge,
    read_team_defaults,
)

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "support-assistant.yaml"
TEAM = """\
[team]
engineer_rate = "150 USD/hour"

[paths.prompt-selfhost.ops]
oncall = "0.5 FTE"
"""


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """A working folder with a scenario that leaves the engineer rate to the defaults."""
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.chdir(tmp_path)
    data = yaml.safe_load(EXAMPLE.read_text())
    del data["team"]
    del data["paths"][2]["ops"]
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    return tmp_path


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def engineering(result_json, path="prompt-api"):
    row = next(p for p in result_json["paths"] if p["path"] == path)
    return row["engineering_usd"]


def test_a_team_file_changes_the_engineer_rate_and_says_so(folder):
    before = json.loads(invoke("compare", "s.yaml", "--format", "json").stdout)
    (folder / "tunecost.toml").write_text(TEAM)
    r = invoke("compare", "s.yaml", "--format", "json")
    assert r.exit_code == 0, r.output
    after = json.loads(r.stdout)
    assert engineering(after) == pytest.approx(engineering(before) * 150 / 90)
    said = [a for a in after["assumptions"] if "engineer_rate" in a]
    assert said == ["team.engineer_rate = 150 USD/hour (from tunecost.toml)"]
    table = invoke("compare", "s.yaml").stdout
    assert "assumption: team.engineer_rate = 150 USD/hour (from tunecost.toml)" in table
    oncall = "paths.llama-70b-selfhost.ops.oncall = 0.5 FTE (from tunecost.toml)"
    assert oncall in after["assumptions"]


def test_the_scenarios_own_value_wins(folder):
    (folder / "tunecost.toml").write_text(TEAM)
    r = invoke("compare", "s.yaml", "--set", "team.engineer_rate=90 USD/hour", "--format", "json")
    data = json.loads(r.stdout)
    assert not any("engineer_rate" in a for a in data["assumptions"])
    plain = json.loads(invoke("compare", EXAMPLE, "--format", "json").stdout)
    assert engineering(data) == pytest.approx(engineering(plain))


def test_sensitivity_and_threshold_print_what_came_from_the_file(folder):
    (folder / "tunecost.toml").write_text(TEAM)
    for args in (["sensitivity", "s.yaml"], ["threshold", "s.yaml", "--vary", "workload.requests"]):
        r = invoke(*args)
        assert r.exit_code == 0, r.output
        assert "assumption: team.engineer_rate = 150 USD/hour (from tunecost.toml)" in r.stderr


def test_merge_fills_only_what_the_scenario_leaves_out():
    defaults = TeamDefaults(
        sections={"team": {"engineer_rate": "150 USD/hour"}, "workload": {"growth": "1 %/month"}}
    )
    data = {"team": {"hours_per_fte_month": 160}, "workload": {"growth": "2 %/month"}}
    merged, used = merge(data, defaults)
    assert merged["team"] == {"hours_per_fte_month": 160, "engineer_rate": "150 USD/hour"}
    assert merged["workload"]["growth"] == "2 %/month"
    assert used == ["team.engineer_rate = 150 USD/hour"]
    assert data["team"] == {"hours_per_fte_month": 160}  # the input is not changed


def test_the_user_config_folder_is_read(tmp_path, monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    import platformdirs

    config = tmp_path / "config"
    config.mkdir()
    (config / "tunecost.toml").write_text(TEAM)
    monkeypatch.setattr(platformdirs, "user_config_dir", lambda app: str(config))
    work = tmp_path / "work"
    work.mkdir()
    assert find_config(work) == config / "tunecost.toml"
    (work / "tunecost.toml").write_text("")
    assert find_config(work) == work / "tunecost.toml"  # the current folder first
    monkeypatch.setenv(ENV_VAR, "off")
    assert find_config(work) is None


def test_allowed_providers_refuse_a_path_naming_another(folder):
    (folder / "tunecost.toml").write_text('[pricing]\nproviders = ["openai", "aws"]\n')
    r = invoke("compare", "s.yaml")
    assert r.exit_code == 2
    line = r.stderr.strip().splitlines()[-1]
    assert line.startswith("Error: paths.finetune-api.provider: provider 'together'")
    assert "not allowed by tunecost.toml" in line and "openai, aws" in line
    ok = folder / "ok.yaml"
    data = yaml.safe_load((folder / "s.yaml").read_text())
    data["paths"] = data["paths"][:1]
    ok.write_text(yaml.safe_dump(data))
    assert invoke("compare", ok).exit_code == 0


def test_markets_and_providers_are_on_the_loaded_configuration(tmp_path):
    path = tmp_path / "tunecost.toml"
    path.write_text(
        '[pricing]\nproviders = ["AWS", "lambda"]\nmarkets = ["cloud", "hyperscaler"]\n'
    )
    team = read_team_defaults(path, known_markets=("hyperscaler", "cloud", "marketplace"))
    assert team.providers == ("aws", "lambda")
    assert team.markets == ("cloud", "hyperscaler")
    path.write_text('[pricing]\nmarkets = ["clod"]\n')
    with pytest.raises(InputError, match="unknown market 'clod'; did you mean 'cloud'"):
        read_team_defaults(path, known_markets=("hyperscaler", "cloud", "marketplace"))


def test_the_price_book_folder(folder):
    book = folder / "prices"
    shutil.copytree(ROOT / "pricing", book)
    (folder / "tunecost.toml").write_text('[pricing]\nfolder = "prices"\n')
    r = invoke("compare", "s.yaml", "--format", "json")
    assert r.exit_code == 0, r.output
    notes = [a for a in json.loads(r.stdout)["assumptions"] if a.startswith("price book:")]
    assert notes == [f"price book: {book.resolve()} (from tunecost.toml)"]
    (folder / "tunecost.toml").write_text('[pricing]\nfolder = "nowhere"\n')
    r = invoke("compare", "s.yaml")
    assert r.exit_code == 2 and "pricing.folder" in r.output and "not a folder" in r.output


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('[team]\nenginer_rate = "1 USD/hour"\n', "team.enginer_rate: unknown key; did you mean"),
        ("[teams]\nx = 1\n", "teams: unknown key; did you mean 'team'"),
        ('[team]\nengineer_rate = "lots"\n', "team.engineer_rate:"),
        ('name = "x"\n', "name: names one scenario"),
        ("[paths.prompt-apii]\nmonitoring = 1\n", "paths.prompt-apii: unknown key"),
        ('[pricing]\nprovider = ["aws"]\n', "pricing.provider: unknown key; did you mean"),
        ("[team\n", "TOML syntax error"),
    ],
)
def test_mistakes_in_the_file_are_one_line(folder, text, fragment):
    (folder / "tunecost.toml").write_text(text)
    r = invoke("compare", "s.yaml")
    assert r.exit_code == 2, r.output
    lines = [line for line in r.output.splitlines() if line.strip()]
    assert len(lines) == 1 and fragment in lines[0] and "tunecost.toml" in lines[0], r.output


def test_the_library_function(folder):
    (folder / "tunecost.toml").write_text(TEAM)
    team = read_team_defaults(folder / "tunecost.toml")
    scenario, used = load_with_defaults(folder / "s.yaml", (), team)
    assert scenario.team.engineer_rate == 150
    assert used[0] == "team.engineer_rate = 150 USD/hour (from tunecost.toml)"


def test_markets_are_the_default_of_the_scenarios_gpu_markets(folder):
    from tunecost.scenario.model import Market

    if "gpu_markets" not in Market.model_fields:
        pytest.skip("the scenario has no market.gpu_markets")
    (folder / "tunecost.toml").write_text('[pricing]\nmarkets = ["hyperscaler"]\n')
    scenario, used = load_with_defaults(folder / "s.yaml", (), read_team_defaults("tunecost.toml"))
    assert scenario.market.gpu_markets == ["hyperscaler"]
    assert used == ["market.gpu_markets = [hyperscaler] (from tunecost.toml)"]
    own = load_with_defaults(
        folder / "s.yaml",
        ["market.gpu_markets=[cloud]"],
        read_team_defaults("tunecost.toml"),
    )
    assert own[0].market.gpu_markets == ["cloud"] and own[1] == []


def test_allowed_providers_limit_the_automatic_gpu_offer(folder):
    (folder / "tunecost.toml").write_text('[pricing]\nproviders = ["openai", "aws", "together"]\n')
    data = yaml.safe_load((folder / "s.yaml").read_text())
    data["paths"] = [p for p in data["paths"] if p["name"] != "llama-70b-selfhost"]
    (folder / "aws.yaml").write_text(yaml.safe_dump(data))
    r = invoke("compare", "aws.yaml", "--format", "json")
    assert r.exit_code == 0, r.output
    offers = [p for p in json.loads(r.stdout)["prices_used"] if p["kind"] == "gpu offer"]
    assert offers and {p["provider"] for p in offers} <= {"aws", "together"}
    assert "GPU offers only from openai, aws, together" in r.output


def test_an_error_from_a_team_default_names_the_team_file(folder):
    """A value the team file filled in that cannot be served is named with the file that
    gave it, not blamed on the scenario alone; without the file, the scenario alone."""
    data = yaml.safe_load((folder / "s.yaml").read_text())
    del data["paths"][2]["serving"]["gpus"]
    (folder / "s.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    (folder / "tunecost.toml").write_text("[paths.prompt-selfhost.serving]\ngpus = 1\n")
    r = invoke("compare", "s.yaml")
    assert r.exit_code == 2
    assert r.output.startswith(
        "Error: s.yaml and tunecost.toml's defaults: paths.llama-70b-selfhost.serving.gpus: "
    )
    assert r.output.rstrip().endswith("; got 1")
    (folder / "tunecost.toml").unlink()
    r = invoke("compare", "s.yaml", "--set", "paths.llama-70b-selfhost.serving.gpus=1")
    assert r.output.startswith("Error: s.yaml with --set: paths.llama-70b-selfhost.serving.gpus")
