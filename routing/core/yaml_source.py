"""YAML that remembers where each value came from.

Validation messages must point at ``file:line``, so the loader keeps a map
from each value's path (a tuple of keys and indexes) to its line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from routing.errors import DirectoryError

Path = tuple[str | int, ...]

# An alias repeats a whole subtree, so a chain of them grows exponentially (a
# "billion laughs" file). The directory needs none; a few are allowed, and the
# values they repeat are capped, so a hostile file is refused in milliseconds.
# What is written out is bounded by the file size (a 10,000-contact directory
# is about 5.5 MB).
MAX_ALIASES = 20
MAX_REPEATED_VALUES = 100_000
MAX_BYTES = 32_000_000


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


@dataclass
class Located:
    """A parsed document plus the line of every value in it."""

    file: str
    data: Any
    lines: dict[Path, int] = field(default_factory=dict)
    duplicates: list[Problem] = field(default_factory=list)
    seen: set[int] = field(default_factory=set)  # ids of the nodes already built: seeing one again is an alias
    aliases: int = 0
    repeated: int = 0  # values built again because an alias pointed at them

    def line(self, path: Path) -> int:
        # A value that is absent is reported at its nearest present parent.
        while path and path not in self.lines:
            path = path[:-1]
        return self.lines.get(path, 1)


class YamlSyntaxError(DirectoryError):
    """The file is not YAML at all; its one problem says where."""

    def __init__(self, problem: Problem) -> None:
        super().__init__([problem])
        self.problem = problem


class YamlTooLarge(YamlSyntaxError):
    """The file is YAML, but too big or too repetitive to read: no point parsing it a second way."""


# libyaml's parser is several times faster on a large directory, but words its
# errors differently; a file that fails is parsed again by the pure-Python one,
# whose messages the docs and tests show.
_FAST_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse(text: str, file: str) -> Located:
    if len(text) > MAX_BYTES:
        raise YamlTooLarge(Problem(file, 1, f"the file is {len(text):,} characters long; a directory should be well under {MAX_BYTES:,}. Check that this is the right file."))
    try:
        return _parse(text, file, _FAST_LOADER)
    except YamlTooLarge:
        raise
    except YamlSyntaxError:
        if _FAST_LOADER is yaml.SafeLoader:
            raise
        return _parse(text, file, yaml.SafeLoader)


def _parse(text: str, file: str, loader_type: type[yaml.SafeLoader]) -> Located:
    loader = loader_type(text)
    try:
        node = loader.get_single_node()
        located = Located(file=file, data=None)
        located.data = _build(loader, node, (), located) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        reason = exc.problem or exc.context or "unreadable YAML"
        raise YamlSyntaxError(
            Problem(file, line, f"YAML syntax error: {reason}. Check indentation and quoting on this line.")
        ) from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(Problem(file, 1, f"YAML syntax error: {exc}")) from None
    finally:
        loader.dispose()
    return located


def _build(loader: yaml.SafeLoader, node: yaml.Node, path: Path, located: Located, again: bool = False) -> Any:
    again = _count(node, located, again)
    located.lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = key_node.value if key_node.tag == _STR else loader.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int, float, bool)) and key is not None:
                key = str(key)
            if key in result:
                located.duplicates.append(
                    Problem(located.file, key_node.start_mark.line + 1, f"'{key}' is given twice; keep one.")
                )
            result[key] = _build(loader, value_node, path + (str(key),), located, again)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(loader, item, path + (i,), located, again) for i, item in enumerate(node.value)]
    if node.tag == _STR:
        return node.value  # what SafeConstructor.construct_yaml_str returns, without its dispatch
    return loader.construct_object(node, deep=True)


_STR = "tag:yaml.org,2002:str"


def _count(node: yaml.Node, located: Located, again: bool) -> bool:
    """Count the value; True when it is being built again, inside a subtree an alias repeats."""
    line = node.start_mark.line + 1
    if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
        if id(node) in located.seen and not again:
            again = True
            located.aliases += 1
            if located.aliases > MAX_ALIASES:
                raise YamlTooLarge(Problem(located.file, line, f"more than {MAX_ALIASES} aliases (*name); write the values out instead of repeating them by alias."))
        located.seen.add(id(node))
    if again:
        located.repeated += 1
        if located.repeated > MAX_REPEATED_VALUES:
            raise YamlTooLarge(Problem(located.file, line, f"aliases (*name) repeat more than {MAX_REPEATED_VALUES:,} values; write the values out instead."))
    return again
