"""Behaviour check for refactors: the outputs of the main commands on every bundled
example, written to a folder and compared with a folder written before the change.

    python tools/check_unchanged.py --write before/     # on the commit before the change
    python tools/check_unchanged.py --compare before/   # on every commit after it

For each example it records the ledger CSV and the JSON of ``compare``, ``compare
--draws 1000 --seed 1``, ``sensitivity`` and ``threshold --vary workload.requests``,
through the command line only, so the script runs unchanged on both sides of a
reshaping of the package. Exit 1 and a list of differing files if any differ.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
COMMANDS = {
    "compare.json": ["compare", "{x}", "--format", "json"],
    "ledger.csv": ["compare", "{x}", "--format", "csv"],
    "draws.json": ["compare", "{x}", "--draws", "1000", "--seed", "1", "--format", "json"],
    "sensitivity.json": ["sensitivity", "{x}", "--format", "json"],
    "threshold.json": ["threshold", "{x}", "--vary", "workload.requests", "--format", "json"],
}


def outputs() -> dict[str, str]:
    """Every recorded output by file name (``<example>.<command>``)."""
    from click.testing import CliRunner

    from tunecost.cli import cli

    runner = CliRunner()
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        for example in EXAMPLES:
            for name, argv in COMMANDS.items():
                args = [a.replace("{x}", str(example)) for a in argv]
                target = Path(tmp) / "out"
                result = runner.invoke(cli, [*args, "--output", str(target)])
                if result.exit_code != 0:
                    sys.exit(f"{example.name} {name}: exit {result.exit_code}: {result.output}")
                out[f"{example.stem}.{name}"] = target.read_text()
    return out


def same(old: str, new: str, rtol: float) -> bool:
    """Whether two outputs agree: byte for byte, or every number within ``rtol``."""
    if old == new or not rtol:
        return old == new
    a, b = _NUMBER.split(old), _NUMBER.split(new)
    if len(a) != len(b):
        return False
    for i, (x, y) in enumerate(zip(a, b, strict=True)):
        if i % 2 == 0:
            if x != y:
                return False
        elif not math.isclose(float(x), float(y), rel_tol=rtol, abs_tol=1e-9):
            return False
    return True


_NUMBER = re.compile(r"(-?\d+\.?\d*(?:[eE][-+]?\d+)?)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = ap.add_mutually_exclusive_group(required=True)
    group.add_argument("--write", type=Path, metavar="DIR", help="record the outputs here")
    group.add_argument("--compare", type=Path, metavar="DIR", help="compare with a record")
    ap.add_argument(
        "--rtol",
        type=float,
        default=0.0,
        help="numbers may differ by this relative amount (0: byte-identical)",
    )
    args = ap.parse_args()
    now = outputs()
    if args.write:
        args.write.mkdir(parents=True, exist_ok=True)
        for name, text in now.items():
            (args.write / name).write_text(text)
        print(f"wrote {len(now)} outputs to {args.write}")
        return
    differ = [
        n for n, text in now.items() if not same((args.compare / n).read_text(), text, args.rtol)
    ]
    missing = [p.name for p in args.compare.iterdir() if p.name not in now]
    for name in differ + missing:
        print(f"differs: {name}")
    if differ or missing:
        sys.exit(1)
    print(f"{len(now)} outputs identical to {args.compare}")


if __name__ == "__main__":
    main()
