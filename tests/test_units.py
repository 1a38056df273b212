"""Parsing of user quantities at the boundary (tunecost.units)."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tunecost.errors import UnitError
from tunecost.units import HOURS_PER_MONTH, parse_count, parse_quantity


@pytest.mark.parametrize(
    ("text", "unit", "expected"),
    [
        ("7B", "dimensionless", 7e9),
        ("2T", "dimensionless", 2e12),
        ("300k", "dimensionless", 3e5),
        ("1.5M", "dimensionless", 1.5e6),
        ("2T tokens", "token", 2e12),
        ("300k requests/month", "request/month", 3e5),
        # 730 h billing month: 300,000 / 730 = 410.958... requests per hour
        ("300k requests/month", "request/hour", 3e5 / 730),
        ("2.49 USD/hour", "USD/hour", 2.49),
        ("2.49 USD/GPU-hour", "USD/hour", 2.49),
        ("2.49 USD/GPU_hour", "USD/hour", 2.49),
        ("95 USD/engineer_hour", "USD/hour", 95.0),
        ("0.15 USD/1M tokens", "USD/token", 0.15e-6),
        ("5 %/month", "1/month", 0.05),
        ("5%/month", "1/month", 0.05),
        ("40%", "dimensionless", 0.4),
        ("50 ms", "s", 0.05),
        ("1 year", "month", 12.0),
    ],
)
def test_parses_units_and_suffixes(text, unit, expected):
    assert parse_quantity(text, unit, field="x", bare=True, allow_negative=True) == pytest.approx(
        expected
    )


def test_billing_month_is_730_hours():
    assert HOURS_PER_MONTH == 730.0
    assert parse_quantity("1 month", "hour", field="x") == pytest.approx(730.0)


def test_a_dimensionless_maximum_is_shown_without_a_unit():
    with pytest.raises(UnitError, match=r"largest accepted value 10$"):
        parse_quantity("20", "dimensionless", field="x", bare=True, maximum=10.0)
    with pytest.raises(UnitError, match=r"largest accepted value 5 token$"):
        parse_quantity("9", "token", field="x", bare=True, maximum=5.0)


def test_an_unknown_word_is_not_a_known_unit():
    with pytest.raises(UnitError, match="'fast' is not a known unit"):
        parse_quantity("fast", "dimensionless", field="x", bare=True)


def test_negative_rate_allowed_only_when_asked():
    assert parse_quantity("-25 %/year", "1/year", field="x", allow_negative=True) == -0.25
    with pytest.raises(UnitError, match="must not be negative"):
        parse_quantity("-25 %/year", "1/year", field="x")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("5 USD", "does not convert to token"),
        ("$5", "write amounts with USD"),
        ("", "is empty"),
        ("   ", "is empty"),
        ("nan", "finite"),
        ("inf", "finite"),
        ("1e400", "finite"),
        ("-3", "must be greater than zero"),  # a count that must be positive says so
        ("0", "greater than zero"),
        ("abc tokens", "cannot read"),
        ("3 metres", "does not convert"),
    ],
)
def test_bad_counts_name_the_field(text, message):
    with pytest.raises(UnitError, match=message) as info:
        parse_count(text, field="--tokens", unit="token")
    assert str(info.value).startswith("--tokens: ")


def test_bare_number_needs_unit_where_ambiguous():
    with pytest.raises(UnitError, match="has no unit"):
        parse_quantity("300000", "request/month", field="--traffic")
    with pytest.raises(UnitError, match="has no unit"):
        parse_quantity(5.0, "request/month", field="--traffic")


def test_maximum_enforced():
    with pytest.raises(UnitError, match="above the largest"):
        parse_quantity("1.5", "dimensionless", field="--mfu", bare=True, maximum=1.0)


@given(st.floats(min_value=1e-6, max_value=1e15, allow_nan=False, allow_infinity=False))
def test_round_trip_plain_numbers(x):
    assert math.isclose(parse_count(repr(x), field="n"), x, rel_tol=1e-12)


@pytest.mark.parametrize("spelling", sorted(__import__("tunecost.units").units.FAST_UNITS))
def test_fast_units_agree_with_pint(spelling):
    from tunecost.units import FAST_UNITS, ureg

    canon, factor = FAST_UNITS[spelling]
    text = f"2.5 {spelling}" if spelling != "%" else "2.5%"
    reg = ureg()
    from tunecost.units import normalise

    by_pint = reg.parse_expression(normalise(text)).to(canon).magnitude
    assert parse_quantity(text, canon, field="x", bare=True) == pytest.approx(by_pint)
    assert 2.5 * factor == pytest.approx(by_pint)
