"""Every line the command line builds from the directory reads right, for every contact and topic.

The phone tree's menu line names each team with what it handles; it is filled
here with every contact in the directory, not only the three on the menu. The
real ``hours`` and ``ivr`` output is checked line by line too.
"""

from __future__ import annotations

import pytest
from sentences import phrase_problems

from routing.cli.main import main
from routing.core.instants import parse_instant
from routing.core.model import ContactKind
from routing.present.phone_tree import phone_tree, tree_lines
from routing.present.topic_words import subjects

INSTANTS = ["2026-11-23T10:00:00-08:00", "2026-11-28T10:00:00-08:00", "2026-11-26T10:00:00-08:00"]


@pytest.fixture(autouse=True)
def real_directory(monkeypatch):
    monkeypatch.delenv("DIRECTORY_PATH", raising=False)
    monkeypatch.delenv("ROUTING_NOW", raising=False)


def test_the_menu_line_reads_right_for_every_contact(directory):
    tree = phone_tree(directory, parse_instant(INSTANTS[0]))
    contacts = [c for c in directory.contacts if c.kind is not ContactKind.EMERGENCY_LINE]
    tree["ivr"]["options"] = [
        {"key": str(i), "contact": {"id": c.id, "name": c.name}, "handles": subjects(c)} for i, c in enumerate(contacts, 1)
    ]
    menu = [line for line in tree_lines(tree) if line.startswith("  press ")][: len(contacts)]
    assert len(menu) == len(contacts)
    wrong = {line: phrase_problems(line.strip()) for line in menu if phrase_problems(line.strip())}
    assert not wrong


@pytest.mark.parametrize("at", INSTANTS)
@pytest.mark.parametrize("command", ["hours", "ivr"])
def test_no_line_of_real_output_doubles_a_word_or_leaves_a_slot_empty(capsys, command, at):
    assert main([command, "--at", at]) == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if line.strip()]
    wrong = {line: phrase_problems(line.strip()) for line in lines if phrase_problems(line.strip())}
    assert not wrong
