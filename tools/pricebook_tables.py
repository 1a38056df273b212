"""Regenerate the README's price-book summary (the sentence in its opening list and the
table of row counts) from the bundled tables.

python tools/pricebook_tables.py          # rewrite README.md between the markers
python tools/pricebook_tables.py --check  # exit 1 if it is out of date
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "README.md"
START, END = "<!-- pricebook-table:start -->", "<!-- pricebook-table:end -->"
SUMMARY_START, SUMMARY_END = "<!-- pricebook-summary:start -->", "<!-- pricebook-summary:end -->"

WHAT = {
    "api_models.csv": "input, cached input, cache write, output and batch prices; "
    "long-context tiers",
    "finetune_prices.csv": "training per token or hour, fine-tuned inference, hosting, "
    "storage, minimums",
    "gpu_offers.csv": "on-demand and spot USD per GPU-hour, GPU count, region, market",
    "gpus.csv": "memory, HBM bandwidth, dense TFLOP/s per precision, interconnect",
    "models.csv": "open-weight architectures from their published configs",
    "model_releases.csv": "release, deprecation and shutdown dates and tokenizer of each model",
    "tokenizers.csv": "tokens per word and characters per token, measured on one corpus",
    "providers.csv": "cached-token counting and fine-tuning billing rules per provider",
    "hardware_prices.csv": "purchase prices of GPU cards and servers, a server's power",
    "provisioned_throughput.csv": "Azure OpenAI PTU minimums, steps and tokens per minute",
}


def counts() -> dict:
    from tunecost.pricebook import open_book

    book = open_book(ROOT / "pricing")
    api = [p for p in book.prices if p.table == "api_models.csv"]
    tuned = [p for p in book.prices if p.table == "finetune_prices.csv"]
    return {
        "rows": {name: len(book.table(name)) for name in WHAT},
        "api_models": len({(p.provider, p.model) for p in api}),
        "api_providers": len({p.provider for p in api}),
        "api_changes": len(api)
        - len({(p.provider, p.model, p.kind, p.context_over_tokens) for p in api}),
        "ft_providers": len({p.provider for p in tuned}),
        "offers": len({(o.provider, o.instance, o.region) for o in book.offers}),
        "offer_providers": len({o.provider for o in book.offers}),
        "releases": len(book.releases.rows),
    }


def render_table(c: dict) -> str:
    lines = ["| table | rows | what |", "|---|---:|---|"]
    lines += [f"| `{name}` | {c['rows'][name]:,} | {what} |" for name, what in WHAT.items()]
    return "\n".join(lines)


def render_summary(c: dict) -> str:
    return (
        f"a dated, sourced price book for API tokens ({c['api_models']} models from "
        f"{c['api_providers']} providers, with {c['api_changes']} dated price changes), "
        f"fine-tuning ({c['ft_providers']} providers) and GPU rental ({c['offers']} offers "
        f"from {c['offer_providers']} providers), and {c['releases']} model releases"
    )


def render() -> str:
    text = TARGET.read_text(encoding="utf-8")
    c = counts()
    for start, end, body in (
        (START, END, "\n" + render_table(c) + "\n"),
        (SUMMARY_START, SUMMARY_END, render_summary(c)),
    ):
        pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.S)
        text = pattern.sub(lambda _m, s=start, b=body, e=end: s + b + e, text)
    return text


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    from generated_doc import main

    main(render, TARGET, "pricebook_tables.py", __doc__)
