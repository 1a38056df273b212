"""Regenerate docs/scenario.schema.json, the JSON Schema of a scenario file, from the
pydantic models and their field descriptions (what `tunecost schema` prints).

python tools/scenario_schema.py          # rewrite docs/scenario.schema.json
python tools/scenario_schema.py --check  # exit 1 if it is out of date

The bundled examples name it in their first line,
``# yaml-language-server: $schema=../docs/scenario.schema.json``, so editors complete
and check their fields; the wheel ships it as ``tunecost/docs/scenario.schema.json``.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "docs" / "scenario.schema.json"


def render() -> str:
    from tunecost.scenario.schema import schema_text

    return schema_text()


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    from generated_doc import main

    main(render, TARGET, "scenario_schema.py", __doc__)
