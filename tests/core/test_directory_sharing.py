"""A large directory is kept compactly: no per-instance dictionaries, equal hours and repeated words shared, nothing lost."""

from __future__ import annotations

import pickle

import pytest

from routing.core import model
from routing.core.directory import load, loads
from routing.errors import DirectoryError
from routing.settings import ROOT

SOURCE = (ROOT / "directory.yaml").read_text()


def test_value_classes_have_no_instance_dictionary() -> None:
    directory = load(ROOT / "directory.yaml")
    contact = directory.contacts[0]
    for value in (contact, contact.hours, contact.phones[0], *contact.topics, directory.rules[0], directory.rules[0].when):
        assert not hasattr(value, "__dict__"), type(value).__name__
    with pytest.raises(AttributeError):
        contact.name = "changed"  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(directory)) == directory


def test_contacts_with_the_same_hours_share_one_hours_value() -> None:
    directory = load(ROOT / "directory.yaml")
    by_hours: dict[model.Hours, list[model.Hours]] = {}
    for contact in directory.contacts:
        by_hours.setdefault(contact.hours, []).append(contact.hours)
    repeated = [same for same in by_hours.values() if len(same) > 1]
    assert repeated, "the real directory has teams with the same hours"
    for same in repeated:
        assert all(h is same[0] for h in same)
    labels = [p.label for c in directory.contacts for p in c.phones if p.label == "Toll free"]
    assert len(labels) > 1 and all(label is labels[0] for label in labels)


def with_teams(hours: str, count: int = 2) -> str:
    head, rules = SOURCE.split("\nrules:", 1)
    teams = [
        f"  - id: extra-team-{i}\n    name: Extra Team {i}\n    kind: team\n    hours: {hours}\n" for i in range(count)
    ]
    return head.rstrip("\n") + "\n" + "".join(teams) + "\nrules:" + rules


def test_equal_hours_written_again_load_as_the_same_value() -> None:
    directory = loads(with_teams('{mon-fri: "08:00-17:00"}', count=3))
    extra = [directory.contact(f"extra-team-{i}") for i in range(3)]
    assert extra[0].hours.weekly[0][0].start.hour == 8
    assert all(c.hours is extra[0].hours for c in extra)


def test_a_mistake_in_hours_is_reported_for_every_contact_that_repeats_it() -> None:
    # The same wrong hours twice: sharing clean hours must not hide the second one's problem.
    with pytest.raises(DirectoryError) as caught:
        loads(with_teams('{mon-fri: "08:00-25:00"}'))
    found = [p for p in caught.value.problems if "25:00" in p.message]
    assert len({p.line for p in found}) == 2, [str(p) for p in caught.value.problems]
