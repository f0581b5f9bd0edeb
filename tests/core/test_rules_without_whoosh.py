"""The rules engine runs on any ``Searcher``: here a plain dictionary of topic words, no Whoosh and no disk."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from routing.core.model import ContactKind, Directory
from routing.core.rules import route
from routing.core.search import Hit, Searcher
from routing.core.text import Vocabulary, analyze, build_vocabulary, index_terms


class WordCount:
    """Scores a topic by how many of the question's terms its words contain."""

    def __init__(self, directory: Directory) -> None:
        self._directory = directory
        self._vocab = build_vocabulary(directory)
        self._topics = [
            (topic.id, contact.id, set(index_terms(" ".join([topic.title, *topic.words]), self._vocab)))
            for contact in directory.contacts
            if contact.kind is not ContactKind.EMERGENCY_LINE
            for topic in contact.topics
        ]

    @property
    def directory(self) -> Directory:
        return self._directory

    @property
    def vocab(self) -> Vocabulary:
        return self._vocab

    def phrase_words(self, phrase: str) -> tuple[str, ...]:
        return analyze(phrase, self._vocab, fix_typos=False).words

    def search(self, terms: Sequence[str], limit: int = 8) -> list[Hit]:
        scored = [(len(words & set(terms)), topic, contact, tuple(t for t in terms if t in words)) for topic, contact, words in self._topics]
        best = sorted((s for s in scored if s[0]), key=lambda s: -s[0])[:limit]
        return [Hit(topic, contact, float(score), matched) for score, topic, contact, matched in best]


def test_an_emergency_rule_needs_no_search_engine(directory: Directory) -> None:
    searcher: Searcher = WordCount(directory)
    decision = route(searcher, "my husband is having chest pains", "web", datetime.fromisoformat("2026-11-23T10:00:00-08:00"))
    assert decision.safety
    assert decision.contact.id == "emergency"


def test_a_topic_is_found_through_the_protocol(directory: Directory) -> None:
    decision = route(WordCount(directory), "we want to change our broker of record", "web", datetime.fromisoformat("2026-11-23T10:00:00-08:00"))
    assert decision.contact.id == "account-management-support"
    assert decision.topic is not None and "broker" in decision.topic.title.lower()


def test_signs_of_two_kinds_decide_and_one_kind_does_not() -> None:
    from paths import BAD

    from routing.core.directory import loads

    # The small test directory with one rule of signs (colour, a fall, being sick) before its billing rule.
    good = (BAD / "duplicate_contact_id.yaml").read_text().replace("  - id: billing-team\n    name: The website", "  - id: website\n    name: The website")
    rule = """rules:
  - id: signs
    description: "Signs of two kinds."
    when:
      signs:
        - [pale, bluish]
        - [fell, crushed]
        - [throwing up, vomiting]
      signs_needed: 2
      unless: [last week]
    route: website
"""
    directory = loads(good.replace("\nrules:\n", "\n" + rule, 1), "signs.yaml")
    searcher = WordCount(directory)
    at = datetime.fromisoformat("2026-11-23T10:00:00-08:00")

    def decided_by_signs(question: str) -> bool:
        rule = route(searcher, question, "web", at).rule
        return rule is not None and rule.id == "signs"

    assert decided_by_signs("my dad fell and now he is pale")
    assert decided_by_signs("she is throwing up and bluish")
    # One kind, however many of its words: everyday talk.
    assert not decided_by_signs("he looks pale, bluish even")
    assert not decided_by_signs("I fell behind")
    # Two kinds, but over.
    assert not decided_by_signs("he fell last week and was pale")
