"""Scenario YAML read with YAML 1.2 core-schema semantics, bounded while it is read.

PyYAML implements YAML 1.1, where ``yes``, ``no``, ``on`` and ``off`` are booleans,
``1:30`` is 90 (base 60), ``017`` is octal 15 and ``2027-06-01`` a date. A scenario is
read with the resolvers of the YAML 1.2 core schema instead (yaml.org/spec/1.2.2, 10.3):

- null: ``null``, ``Null``, ``NULL``, ``~`` or nothing;
- booleans: ``true``/``True``/``TRUE`` and ``false``/``False``/``FALSE`` only;
- integers: decimal ``[-+]?[0-9]+`` (``017`` is 17), octal ``0o17`` (15), hex ``0x10`` (16);
- floats: ``1.5``, ``1e3``, ``.5``, ``.inf``, ``-.inf``, ``.nan``;
- everything else is a string: ``yes``, ``on``, ``1:30``, ``1_000``, ``2027-06-01``.

Only the core schema's tags are known (``!!str``, ``!!int``, ``!!float``, ``!!bool``,
``!!null``, ``!!seq``, ``!!map``); ``!!timestamp``, ``!!binary``, ``!!set`` and the like
are refused. Merge keys (``<<``) are a YAML 1.1 type that YAML 1.2 dropped: they are
refused with that reason (anchors and aliases themselves are allowed). A key given twice
is refused. While the document is composed, before anything is built, nesting deeper than
:data:`MAX_NESTING` levels, an alias to a node that contains it, more than
:data:`MAX_ALIASES` aliases and a document that (with its aliases expanded) holds more
than :data:`MAX_VALUES` values are refused: a 500-byte "billion laughs" file fails at once.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

import yaml
from yaml.constructor import ConstructorError

from tunecost.errors import InputError

MAX_NESTING = 12
"""Deepest nesting of mappings and lists a scenario may use (real ones use 4)."""
MAX_ALIASES = 1_000
"""Most aliases (``*name``) one document may use."""
MAX_VALUES = 100_000
"""Most values (scalars, lists and mappings, aliases expanded) one document may hold."""
MAX_DIGITS = 100
"""Longest integer, in digits, a scenario may write."""

_CORE = "tag:yaml.org,2002:"
_RESOLVERS = (
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    ("int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", list("-+0123456789")),
    (
        "float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        list("-+0123456789."),
    ),
)
_NOT_CORE = ("timestamp", "binary", "set", "omap", "pairs", "merge", "value", "yaml")


class YamlLimitError(yaml.YAMLError):
    """A document beyond a bound of this loader (depth, aliases, size, digits)."""


class Yaml12Loader(yaml.SafeLoader):
    """PyYAML's safe loader with the YAML 1.2 core schema, bounded while composing."""

    yaml_implicit_resolvers: ClassVar[dict] = {}  # none of SafeLoader's YAML 1.1 resolvers

    def __init__(self, stream) -> None:
        super().__init__(stream)
        self._level = 0
        self._aliases = 0
        self._measure: dict[int, tuple[int, int]] = {}  # id(node) -> (values, depth)

    def compose_node(self, parent, index):
        """Compose one node, counting its depth and (aliases expanded) its values."""
        alias = self.check_event(yaml.AliasEvent)
        opens = not alias and self.check_event(yaml.SequenceStartEvent, yaml.MappingStartEvent)
        mark = self.peek_event().start_mark
        self._level += bool(opens)
        if self._level > MAX_NESTING:
            raise YamlLimitError(f"nests deeper than {MAX_NESTING} levels; a scenario needs 4")
        node = super().compose_node(parent, index)
        self._level -= bool(opens)
        if alias:
            return self._aliased(node, mark)
        children = node.value if isinstance(node, yaml.SequenceNode) else []
        if isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        sizes = [self._measure[id(c)] for c in children]
        values = 1 + sum(s for s, _ in sizes)
        depth = (1 + max((d for _, d in sizes), default=0)) if opens else 0
        if values > MAX_VALUES:
            why = " with its aliases expanded: too many aliases" if self._aliases else ""
            raise YamlLimitError(f"holds more than {MAX_VALUES:,} values{why}")
        self._measure[id(node)] = (values, depth)
        return node

    def _aliased(self, node, mark) -> Any:
        """An alias's node, refused when it contains the alias or breaks a bound."""
        self._aliases += 1
        if id(node) not in self._measure:
            raise YamlLimitError(f"line {mark.line + 1}: an alias refers to a node containing it")
        if self._aliases > MAX_ALIASES:
            raise YamlLimitError(f"uses more than {MAX_ALIASES:,} aliases")
        if self._level + self._measure[id(node)][1] > MAX_NESTING:
            raise YamlLimitError(
                f"line {mark.line + 1}: an alias nests deeper than {MAX_NESTING} levels"
            )
        return node

    def construct_mapping(self, node, deep=False):
        """A mapping; a key given twice, an unhashable key or a merge key is refused."""
        seen = set()
        for key_node, _ in node.value:
            if key_node.tag == _CORE + "str" and key_node.value == "<<" and key_node.style is None:
                raise ConstructorError(
                    None,
                    None,
                    "merge keys (<<) are YAML 1.1 and not part of YAML 1.2; "
                    "write the fields out (anchors and aliases are allowed)",
                    key_node.start_mark,
                )
            key = self.construct_object(key_node, deep=deep)
            try:
                hash(key)
            except TypeError:
                raise ConstructorError(
                    None, None, "a list or mapping cannot be a key", key_node.start_mark
                ) from None
            if key in seen:
                raise ConstructorError(
                    None, None, f"key {key!r} is given twice", key_node.start_mark
                )
            seen.add(key)
        return yaml.constructor.BaseConstructor.construct_mapping(self, node, deep)

    def construct_yaml_int(self, node) -> int:
        """``017`` -> 17 (decimal), ``0o17`` -> 15, ``0x10`` -> 16."""
        text = str(self.construct_scalar(node)).strip()
        if not re.fullmatch(_RESOLVERS[2][1], text):
            raise ConstructorError(None, None, f"{text!r} is not an integer", node.start_mark)
        if len(text) > MAX_DIGITS:
            line = node.start_mark.line + 1
            raise YamlLimitError(f"line {line}: an integer of {len(text)} digits is too long")
        if text[:2] in ("0o", "0x"):
            return int(text[2:], 8 if text[1] == "o" else 16)
        return int(text, 10)

    def construct_yaml_float(self, node) -> float:
        """``1.5``, ``1e3``, ``.inf``, ``-.inf``, ``.nan``."""
        text = str(self.construct_scalar(node)).strip().lower()
        if text.lstrip("+-") in (".inf", ".nan"):
            text = text.replace(".", "")
        try:
            return float(text)
        except ValueError:
            msg = f"{text!r} is not a number"
            raise ConstructorError(None, None, msg, node.start_mark) from None


for _tag, _pattern, _first in _RESOLVERS:
    Yaml12Loader.add_implicit_resolver(_CORE + _tag, re.compile(_pattern), _first)
Yaml12Loader.add_constructor(_CORE + "int", Yaml12Loader.construct_yaml_int)
Yaml12Loader.add_constructor(_CORE + "float", Yaml12Loader.construct_yaml_float)
for _tag in _NOT_CORE:
    Yaml12Loader.add_constructor(_CORE + _tag, yaml.constructor.SafeConstructor.construct_undefined)


def load_yaml(text: str, name: str) -> Any:
    """The data of the YAML document ``text`` (from the file ``name``), YAML 1.2 core.

    Raises :class:`InputError` in one line: a syntax error (with line and column), a
    key given twice, a tag, a merge key, or a bound of :class:`Yaml12Loader` broken."""
    try:
        return yaml.load(text, Loader=Yaml12Loader)  # a safe loader
    except YamlLimitError as exc:
        raise InputError(f"{name} {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = str(getattr(exc, "problem", None) or str(exc).splitlines()[0])
        if "constructor for the tag" in problem:
            raise InputError(
                f"{name}{where}: YAML tags such as !!python/... or !!timestamp are not "
                "allowed; a scenario is plain data (YAML 1.2 core schema)"
            ) from None
        if isinstance(exc, yaml.constructor.ConstructorError):  # well-formed, not allowed
            raise InputError(f"{name}{where}: {problem}") from None
        hint = "; check indentation, colons and quotes"
        raise InputError(f"{name}{where}: YAML syntax error: {problem}{hint}") from None


def load_value(raw: str, field: str = "overrides") -> Any:
    """A ``--set`` value read as YAML 1.2 core (``8000`` -> 8000, ``yes`` -> ``'yes'``);
    text that is not YAML stays text. A value beyond a bound raises :class:`InputError`."""
    try:
        return yaml.load(raw, Loader=Yaml12Loader)  # a safe loader
    except YamlLimitError as exc:
        raise InputError(f"{raw[:40]!r}{'...' if len(raw) > 40 else ''} {exc}", field) from None
    except yaml.YAMLError:
        return raw
