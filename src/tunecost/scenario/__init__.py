"""What a user can write: the scenario, its fields, defaults and ranges.

A scenario describes one workload and the paths (ways of building it) to price. This
package holds the pydantic model (:mod:`.model`), the field types with their one public
description (:mod:`.fields`), defaults and assumptions (:mod:`.defaults`), ranges
(:mod:`.distributions`), reading YAML (:mod:`.loading`), ``--set`` (:mod:`.overrides`),
field addresses (:mod:`.address`) and the one walker over a scenario (:mod:`.walk`).
"""

from tunecost.scenario.defaults import assumptions, engineering_hours, evaluation_hours
from tunecost.scenario.loading import load_scenario, parse_scenario, read_yaml
from tunecost.scenario.model import (
    PATH_KINDS,
    AnyPath,
    FinetuneAPI,
    FinetuneSelfhost,
    GPUChoice,
    PromptAPI,
    PromptSelfhost,
    Scenario,
)
from tunecost.scenario.overrides import apply_overrides

__all__ = [
    "PATH_KINDS",
    "AnyPath",
    "FinetuneAPI",
    "FinetuneSelfhost",
    "GPUChoice",
    "PromptAPI",
    "PromptSelfhost",
    "Scenario",
    "apply_overrides",
    "assumptions",
    "engineering_hours",
    "evaluation_hours",
    "load_scenario",
    "parse_scenario",
    "read_yaml",
]
