"""``tunecost workload``: what a request log or usage export says about the workload.

click only at import time; pandas is imported when the command runs.
"""

from __future__ import annotations

import click

from tunecost.cli.base import Command
from tunecost.cli.options import CONTEXT, emit, output_flag, output_option, table_width

LOG_FORMAT_CHOICES = ("generic", "litellm", "openai-usage")
"""The formats :mod:`tunecost.scenario.traffic_log` reads (kept equal by a test)."""

SUMMARY_FIELDS = (
    ("log", "log", ""),
    ("format", "format", ""),
    ("timezone", "time zone", ""),
    ("requests", "requests in the log", ""),
    ("start", "from", ""),
    ("end", "to", ""),
    ("span_hours", "span", "h"),
    ("requests_per_month", "requests per month", "requests/month"),
    ("growth", "growth", "per month"),
    ("whole_months", "whole months", ""),
    ("mean_requests_per_hour", "mean hour", "requests/h"),
    ("peak_requests_per_hour", "busiest hour", "requests/h"),
    ("peak_hour", "busiest hour starts", ""),
    ("peak_to_average", "peak to average", ""),
    *(
        (f"{side}_tokens_{stat}", f"{side} tokens {stat}", "tokens")
        for side in ("input", "output")
        for stat in ("mean", "p50", "p90", "p99", "max")
    ),
)


def flat_record(summary: dict) -> dict:
    """The summary as one flat row (token figures as ``input_tokens_p50``; no profile)."""
    record = {k: v for k, v in summary.items() if not isinstance(v, dict | list)}
    for side in ("input_tokens", "output_tokens"):
        record.update({f"{side}_{k}": v for k, v in summary[side].items()})
    return record


def profile_lines(profile: dict | None) -> list[str]:
    """The 24 x 7 hourly profile as rows of clock hours and columns of weekdays."""
    if not profile:
        return []
    days = list(profile)
    lines = ["", "hourly profile (requests in the hour over the mean hour)"]
    lines.append("hour  " + "  ".join(f"{d:>5}" for d in days))
    for h in range(24):
        cells = [profile[d][h] for d in days]
        shown = ["    -" if c is None else f"{c:5.2f}" for c in cells]
        lines.append(f"{h:02d}    " + "  ".join(shown))
    return lines


def render(summary: dict, fmt: str, width: int | None) -> str:
    """The summary as a table, a one-row CSV, JSON or a scenario ``workload:`` block."""
    from tunecost.output.tables import Field, render_record, to_json
    from tunecost.scenario.traffic_summary import yaml_block

    if fmt == "json":
        return to_json(summary)
    if fmt == "yaml":
        return yaml_block(summary)
    record = flat_record(summary)
    if fmt == "csv":
        return render_record(record, [], "csv")
    if record["growth"] is not None:
        record["growth"] = f"{100 * record['growth']:.2f} %"
    fields = [Field(*f) for f in SUMMARY_FIELDS]
    text = render_record(record, fields, "table", notes=summary["notes"], width=width)
    return text + "\n".join(profile_lines(summary["hourly_profile"])) + "\n"


@click.command(cls=Command, context_settings=CONTEXT)
@click.argument("log", type=click.Path(dir_okay=False))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json", "yaml"]),
    default="table",
    show_default=True,
    help="table for people; csv (one row, no profile) or json for machines; yaml: a "
    "workload: block to paste into a scenario.",
)
@output_option()
@click.option(
    "--log-format",
    type=click.Choice(LOG_FORMAT_CHOICES),
    help="The file's format (default: told from its header or keys): generic (timestamp, "
    "input_tokens, output_tokens), litellm (LiteLLM spend logs), openai-usage (OpenAI "
    "usage API buckets).",
)
@click.option(
    "--timezone",
    help="Clock hours for the peak and the profile in this zone, e.g. Europe/Berlin (default UTC).",
)
def workload(log, fmt, output, log_format, timezone):
    """Measure a workload from a request log or a usage export.

    LOG is a CSV or JSON Lines file with one request per row (a timestamp, input and
    output tokens), a LiteLLM spend log, or an OpenAI usage API export. Prints requests
    per month, monthly growth, token percentiles, the busiest hour over the mean
    (peak to average) and the weekly profile of clock hours. A scenario can read the
    same log with `workload: {from_log: requests.csv}`.

    \b
    Examples:
      tunecost workload requests.csv
      tunecost workload spend_logs.json --format yaml >> my.yaml
      tunecost workload usage.json --log-format openai-usage --format json
    """
    from tunecost.output.files import check_output_path
    from tunecost.scenario.traffic_log import read_log
    from tunecost.scenario.traffic_summary import summarise

    if output:
        check_output_path(output, output_flag())
    summary = summarise(read_log(log, log_format), timezone)
    emit(render(summary, fmt, table_width(False, output)), output)
