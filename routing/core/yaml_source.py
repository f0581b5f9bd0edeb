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
# "billion laughs" file). The directory uses a few for shared lists; a few dozen are allowed, and the
# values they repeat are capped, so a hostile file is refused in milliseconds.
# What is written out is bounded by the file size (a 10,000-contact directory
# is about 5.5 MB).
MAX_ALIASES = 50  # the real directory repeats its safety rules' shared lists by alias (46 aliases counted)
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
    """A parsed document, and the line of any value in it on demand.

    Lines are needed only to report a problem, so they are not kept while the
    document is built (a map of every value's path was most of a large load).
    The first ``line`` call parses the text again, keeping the nodes, and
    walks them along the path.
    """

    file: str
    data: Any
    text: str = ""
    loader_type: type[yaml.SafeLoader] = yaml.SafeLoader
    duplicates: list[Problem] = field(default_factory=list)
    # The line of each mapping, by the id of the dict built from it: cheap to keep, and enough for the
    # warnings a valid file can still have (an item without a translation), which name the item.
    mapping_lines: dict[int, int] = field(default_factory=dict)
    _root: yaml.Node | None = None

    def line_of(self, value: Any, path: Path) -> int:
        """The line of a mapping this document built, else of the value at ``path``."""
        found = self.mapping_lines.get(id(value)) if isinstance(value, dict) else None
        return found if found is not None else self.line(path)

    def line(self, path: Path) -> int:
        if self._root is None:
            loader = self.loader_type(self.text)
            try:
                self._root = loader.get_single_node()
            finally:
                loader.dispose()
        node = self._root
        if node is None:
            return 1
        # A value that is absent is reported at its nearest present parent.
        for step in path:
            child = _child(node, step)
            if child is None:
                break
            node = child
        return int(node.start_mark.line) + 1


def _child(node: yaml.Node, step: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        found = None  # the last of duplicate keys wins, as it does when the document is built
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == str(step):
                found = value_node
        return found
    if isinstance(node, yaml.SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value):
        return node.value[step]  # type: ignore[no-any-return]
    return None


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
_C_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


_MAP = "tag:yaml.org,2002:map"


class _FastLoader(_C_LOADER):  # type: ignore[misc,valid-type]
    """libyaml's loader, with a resolver that remembers each plain scalar's tag.

    libyaml calls back into Python to resolve every node, and a large
    directory repeats the same keys and words tens of thousands of times: the
    regular expressions run once per distinct text, per file. The safe loader
    has no path resolvers, so the other nodes get the default tags directly,
    as `BaseResolver.resolve` would give them.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._tags: dict[str, str] = {}

    def resolve(self, kind: type[yaml.Node], value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode:
            if not implicit[0]:
                return _STR  # defined below, with the builder that reads it too
            tag = self._tags.get(value)
            if tag is None:
                tag = self._tags[value] = str(super().resolve(kind, value, implicit))
            return tag
        if kind is yaml.MappingNode:
            return _MAP
        return str(super().resolve(kind, value, implicit))

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass


assert not yaml.SafeLoader.yaml_path_resolvers, "_FastLoader's resolve assumes the safe loader has no path resolvers"
_FAST_LOADER: type[yaml.SafeLoader] = _FastLoader if _C_LOADER is not yaml.SafeLoader else yaml.SafeLoader


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
        located = Located(file=file, data=None, text=text, loader_type=loader_type)
        if node is not None:
            located.data = _Builder(loader, located).build(node)
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


_STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"


class _Builder:
    """Nodes to plain values, noting duplicate keys and refusing runaway aliases.

    A node seen a second time is an alias: the subtree it repeats is built
    again, counting each value, so a "billion laughs" file stops early.
    """

    def __init__(self, loader: yaml.SafeLoader, located: Located) -> None:
        self.loader = loader
        self.located = located
        self.seen: set[int] = set()  # ids of the collection nodes already built
        self.aliases = 0
        self.repeated = 0  # values built again because an alias pointed at them

    def build(self, node: yaml.Node, again: bool = False) -> Any:
        kind = type(node)
        if kind is yaml.MappingNode or kind is yaml.SequenceNode:
            if id(node) in self.seen and not again:
                again = True
                self.aliases += 1
                if self.aliases > MAX_ALIASES:
                    raise YamlTooLarge(self._problem(node, f"more than {MAX_ALIASES} aliases (*name); write the values out instead of repeating them by alias."))
            self.seen.add(id(node))
        if again:
            self.repeated += 1
            if self.repeated > MAX_REPEATED_VALUES:
                raise YamlTooLarge(self._problem(node, f"aliases (*name) repeat more than {MAX_REPEATED_VALUES:,} values; write the values out instead."))
        if kind is yaml.MappingNode:
            return self._mapping(node, again)  # type: ignore[arg-type]
        if kind is yaml.SequenceNode:
            return [self.build(item, again) for item in node.value]
        if node.tag == _STR:
            return node.value  # what SafeConstructor.construct_yaml_str returns, without its dispatch
        return self.loader.construct_object(node, deep=True)

    def _mapping(self, node: yaml.MappingNode, again: bool) -> dict[Any, Any]:
        if any(key_node.tag == _MERGE for key_node, _ in node.value):
            self.loader.flatten_mapping(node)
        result: dict[Any, Any] = {}
        self.located.mapping_lines[id(result)] = node.start_mark.line + 1
        for key_node, value_node in node.value:
            key = key_node.value if key_node.tag == _STR else self.loader.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int, float, bool)) and key is not None:
                key = str(key)
            if key in result:
                self.located.duplicates.append(self._problem(key_node, f"'{key}' is given twice; keep one."))
            result[key] = self.build(value_node, again)
        return result

    def _problem(self, node: yaml.Node, message: str) -> Problem:
        return Problem(self.located.file, node.start_mark.line + 1, message)
