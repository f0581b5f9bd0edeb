"""Every word a reader sees in a template goes through the catalog.

Each template is parsed with Jinja's own parser. Text inside ``{{ _("…") }}``,
``ngettext`` or ``{% trans %}`` becomes a gettext call in the tree, so what is
left as plain template data (``TemplateData``) is what would reach a Spanish
reader in English. That data is read as HTML: its visible text and the
attributes a person sees or hears (title, aria-label, placeholder, alt, a
button's value, the labels a phone shows beside stacked table cells) must hold
no English words. String literals printed straight into the page
(``{{ "optional" }}``, ``join(" and ")``) count too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from jinja2 import Environment, nodes

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = sorted((ROOT / "templates").glob("*.html"))
GETTEXT = {"_", "gettext", "ngettext", "pgettext", "npgettext"}
SPOKEN_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt", "aria-description", "data-label", "aria-roledescription"}
HIDDEN_ELEMENTS = {"code", "pre", "script", "style"}  # commands and raw email, the same in every language
# Words that are the same in every language: a language's own name, and names of things.
NOT_ENGLISH = {"Español", "English", "OpenAPI", "JSON", "API", "CSRF"}
WORD = re.compile(r"[^\W\d_]{2,}")
HOLE = "\x00"  # where an expression's output goes; it is never text


# Markup, not words: an address, a fragment, or attributes a branch adds to a tag its macro opened.
ADDRESS = re.compile(r"^\s*(?:/|#|&|\?|[a-z]+:)")
ATTRIBUTES = re.compile(r"""[\w:-]+=(?:"[^"]*"|'[^']*')|\b(?:selected|disabled|required|open|hidden|checked|novalidate)\b""")


IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")  # a field's name handed to a macro (``error("group_id")``)


def english_words(text: str) -> list[str]:
    if ADDRESS.match(text):
        return []
    return [w for w in WORD.findall(text.replace(HOLE, " ")) if w not in NOT_ENGLISH]


class Visible(HTMLParser):
    """The text and the spoken attributes of a piece of markup, skipping code."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in HIDDEN_ELEMENTS:
            self._hidden += 1
        named = dict(attrs)
        for name, value in attrs:
            spoken = name in SPOKEN_ATTRIBUTES or (name == "value" and (tag == "button" or named.get("type") in ("submit", "button", "reset")))
            if spoken and value:
                self.found.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN_ELEMENTS and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.found.append(data)


def _is_gettext(node: nodes.Node) -> bool:
    return isinstance(node, nodes.Call) and isinstance(node.node, nodes.Name) and node.node.name in GETTEXT


def markup(node: nodes.Node) -> Iterator[str]:
    """The template's literal markup in source order, a HOLE where anything is printed.

    Both branches of an ``if`` follow each other; a tag split across them still reads as one.
    """
    if isinstance(node, nodes.TemplateData):
        yield node.data
    elif isinstance(node, nodes.Output):
        for child in node.nodes:
            yield from markup(child)
    elif isinstance(node, nodes.Expr):
        yield HOLE
    else:
        for child in node.iter_child_nodes():
            if isinstance(child, nodes.Stmt | nodes.Template | nodes.Output | nodes.TemplateData | nodes.Helper):
                yield from markup(child)


def printed_literals(node: nodes.Node) -> Iterator[str]:
    """String constants that reach the page without a gettext call: printed, a branch of a printed ``if``,
    an ``or`` default, a ``join`` separator, a value of a ``set`` or a macro's default argument."""
    if _is_gettext(node):
        return
    if isinstance(node, nodes.Const) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, nodes.CondExpr):
        yield from printed_literals(node.expr1)
        if node.expr2 is not None:
            yield from printed_literals(node.expr2)
    elif isinstance(node, nodes.Or | nodes.And | nodes.Concat):
        for child in node.iter_child_nodes():
            yield from printed_literals(child)
    elif isinstance(node, nodes.Filter):
        if node.node is not None:
            yield from printed_literals(node.node)
        if node.name in ("join", "default"):
            for arg in node.args:
                yield from printed_literals(arg)
    elif isinstance(node, nodes.Dict):
        for pair in node.items:
            yield from printed_literals(pair.value)
    elif isinstance(node, nodes.List | nodes.Tuple):
        for item in node.items:
            yield from printed_literals(item)


def literal_roots(tree: nodes.Template) -> Iterator[nodes.Node]:
    for output in tree.find_all(nodes.Output):
        for child in output.nodes:
            if not isinstance(child, nodes.TemplateData):
                yield child
    for assign in tree.find_all(nodes.Assign):
        yield assign.node
    for macro in tree.find_all(nodes.Macro):
        yield from macro.defaults
    for call in tree.find_all(nodes.Call):  # a macro called with a caption or a heading
        if not _is_gettext(call) and isinstance(call.node, nodes.Name):
            for arg in [*call.args, *(kw.value for kw in call.kwargs)]:
                if not (isinstance(arg, nodes.Const) and IDENTIFIER.match(str(arg.value))):
                    yield arg


def untranslated(source: str) -> list[str]:
    env = Environment(extensions=["jinja2.ext.i18n"])
    tree = env.parse(source)
    reader = Visible()
    reader.feed("".join(markup(tree)))
    reader.close()
    problems = [text.strip() for text in reader.found if english_words(ATTRIBUTES.sub(" ", text))]
    for root in literal_roots(tree):
        problems += [repr(text) for text in printed_literals(root) if english_words(text)]
    return problems


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
def test_every_visible_word_of_a_template_goes_through_the_catalog(template: Path) -> None:
    assert untranslated(template.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    "snippet",
    [
        "<p>Hello there</p>",
        '<button type="submit" title="Send it">{{ _("Send") }}</button>',
        '<input type="submit" value="Find">',
        '<nav aria-label="Main">{{ x }}</nav>',
        '<img src="/a.png" alt="A map">',
        '{% if x %}<p>{{ _("Open") }}</p>{% else %}<p>Closed</p>{% endif %}',
        '{{ "required" if x else _("optional") }}',
        '{{ names | join(" and ") }}',
        '{{ row.team or "not chosen" }}',
        '{% set titles = {404: "Not found"} %}',
        '{% macro table(rows, first="Field") %}{{ first }}{% endmacro %}',
        '{{ table(rows, "Fields of the answer") }}',
    ],
)
def test_english_outside_the_catalog_is_caught(snippet: str) -> None:
    assert untranslated(snippet)


@pytest.mark.parametrize(
    "snippet",
    [
        '<p>{{ _("Hello there") }}</p>',
        '<p>{% trans name=n %}Hello {{ name }}{% endtrans %}</p>',
        '<p>{{ ngettext("%(num)s email", "%(num)s emails", n) }}</p>',
        '<a href="/staff" aria-current="page">{{ _("Staff") }}</a> · <code>python -m routing</code>',
        '<span lang="es">Español</span> / <a href="/language?to=en" hreflang="en">English</a>',
        '{% if contact.kind == "emergency_line" %}{{ contact.name | replace("https://", "") }}{% endif %}',
    ],
)
def test_translated_or_unworded_markup_passes(snippet: str) -> None:
    assert untranslated(snippet) == []
