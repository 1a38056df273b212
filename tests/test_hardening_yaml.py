"""Hardening, second pass (issue 16, points 2 and 3): scenario YAML is read with the YAML
1.2 core schema and bounded while it is read (scenario/yaml12.py); impossible and
out-of-range months are one-line errors naming the field."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml

from tunecost.errors import InputError
from tunecost.scenario.loading import load_scenario, read_yaml
from tunecost.scenario.yaml12 import MAX_VALUES, load_value, load_yaml

EXAMPLE = Path(__file__).parents[1] / "examples" / "internal-tool.yaml"

BILLION_LAUGHS = "\n".join(
    [
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
        *(
            f"{n}: &{n} [{','.join([f'*{p}'] * 9)}]"
            for p, n in zip("abcdefgh", "bcdefghi", strict=True)
        ),
    ]
)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("yes", "yes"),
        ("no", "no"),
        ("on", "on"),
        ("off", "off"),
        ("Yes", "Yes"),
        ("true", True),
        ("False", False),
        ("1:30", "1:30"),  # no sexagesimal (YAML 1.1: 90)
        ("017", 17),  # decimal (YAML 1.1: octal 15)
        ("0o17", 15),
        ("0x10", 16),
        ("1_000", "1_000"),
        ("1e3", 1000.0),
        (".5", 0.5),
        ("-.inf", float("-inf")),
        ("~", None),
        ("null", None),
        ("2027-06-01", "2027-06-01"),  # no timestamps
        ("3M requests/month", "3M requests/month"),
    ],
)
def test_scalars_follow_the_yaml_1_2_core_schema(text, value):
    assert load_yaml(f"x: {text}\n", "s.yaml") == {"x": value}
    assert load_value(text) == value  # --set values the same


def _scenario(tmp_path: Path, **changes: str) -> Path:
    lines = [line for line in EXAMPLE.read_text().splitlines() if line.split(":")[0] not in changes]
    path = tmp_path / "s.yaml"
    path.write_text("\n".join([*lines, *(f"{k}: {v}" for k, v in changes.items())]) + "\n")
    return path


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"months": "yes"}, "s.yaml: months: expected a whole number, not 'yes'"),
        ({"months": "1:30"}, "months: expected a whole number, not '1:30'"),
        ({"start": "2027-02-30"}, "start: '2027-02-30' is not a date: February 2027 has no day 30"),
        ({"start": "9999-12"}, "start: '9999-12' is too far ahead: months after 9979-12"),
        ({"start": "2027-13"}, "start: '2027-13' is not a month"),
    ],
)
def test_bad_values_are_one_line_naming_the_field(tmp_path, changes, fragment):
    with pytest.raises(InputError) as exc:
        load_scenario(_scenario(tmp_path, **changes))
    assert fragment in str(exc.value) and "\n" not in str(exc.value)


def test_yaml_1_2_integers_reach_the_scenario(tmp_path):
    assert load_scenario(_scenario(tmp_path, months="017")).months == 17
    assert load_scenario(_scenario(tmp_path, months="0x10")).months == 16
    assert load_scenario(_scenario(tmp_path, start="2027-02-28")).start.isoformat() == "2027-02-01"


def test_billion_laughs_fails_fast_in_one_line(tmp_path):
    path = tmp_path / "laughs.yaml"
    path.write_text(BILLION_LAUGHS + "\n")
    assert len(path.read_bytes()) < 500
    started = time.perf_counter()
    with pytest.raises(InputError) as exc:
        read_yaml(path)
    assert time.perf_counter() - started < 1.0
    assert str(exc.value) == (
        f"laughs.yaml holds more than {MAX_VALUES:,} values with its aliases expanded: "
        "too many aliases"
    )


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("name: " + "[" * 1000 + "]" * 1000, "nests deeper than 12 levels"),
        ("a: &x [[[[[[[[1]]]]]]]]\nb: [[[[[[*x]]]]]]", "an alias nests deeper than 12 levels"),
        ("a: &x [1, *x]", "an alias refers to a node containing it"),
        ("a: " + "1" * 200, "an integer of 200 digits is too long"),
        ("a: 1\na: 2", "key 'a' is given twice"),
        ("? [1]\n: 2", "a list or mapping cannot be a key"),
        ("a: !!timestamp 2027-01-01", "YAML tags such as"),
        ("a: !!set {x}", "YAML tags such as"),
        ("a: !!python/name:os.system", "YAML tags such as"),
        ("a: 1:30:00\nb: [", "YAML syntax error"),
    ],
)
def test_documents_beyond_a_bound_are_one_line_input_errors(text, fragment):
    with pytest.raises(InputError) as exc:
        load_yaml(text, "s.yaml")
    assert fragment in str(exc.value) and "\n" not in str(exc.value)


def test_aliases_within_the_bounds_are_allowed():
    data = load_yaml("a: &x {k: 1}\nb: *x\nc: [*x, *x]\n", "s.yaml")
    assert data == {"a": {"k": 1}, "b": {"k": 1}, "c": [{"k": 1}, {"k": 1}]}


def test_merge_keys_are_refused_as_yaml_1_1():
    # Merge keys (<<) are a YAML 1.1 type that YAML 1.2 dropped: refused, with the reason.
    with pytest.raises(InputError) as exc:
        load_yaml("base: &b {requests: 1}\nworkload:\n  <<: *b\n", "s.yaml")
    assert "merge keys (<<) are YAML 1.1 and not part of YAML 1.2" in str(exc.value)
    assert "line 3" in str(exc.value)
    # a quoted "<<" is an ordinary key
    assert load_yaml('"<<": 1', "s.yaml") == {"<<": 1}


def test_set_values_beyond_a_bound_are_input_errors():
    with pytest.raises(InputError) as exc:
        load_value("[" * 1000 + "]" * 1000)
    assert str(exc.value).startswith("overrides: ") and "nests deeper" in str(exc.value)
    assert load_value("a: [") == "a: ["  # text that is not YAML stays text


def test_set_values_go_through_the_yaml_1_2_loader(tmp_path):
    with pytest.raises(InputError, match="months: expected a whole number"):
        load_scenario(EXAMPLE, ["months=yes"])


def test_the_examples_read_the_same_under_1_1_and_1_2():
    for path in sorted((Path(__file__).parents[1] / "examples").glob("*.yaml")):
        old = yaml.safe_load(path.read_text())
        new = read_yaml(path)
        if "start" in old and not isinstance(old["start"], str):  # 1.1 read a date
            old["start"] = old["start"].isoformat()
        assert new == old, path.name
