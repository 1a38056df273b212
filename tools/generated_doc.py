"""Shared command line of the scripts that generate docs: write, or --check and fail if
the file in the repository differs from what the code renders."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path


def main(render: Callable[[], str], target: Path, script: str, description: str) -> None:
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--check", action="store_true", help="fail if the file is out of date")
    text = render()
    if ap.parse_args().check:
        if not target.exists() or target.read_text() != text:
            sys.exit(f"{target} is out of date; run python tools/{script}")
        return
    target.write_text(text)
    print(f"wrote {target}")
