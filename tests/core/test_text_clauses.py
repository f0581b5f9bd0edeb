"""Where a question's second need begins, and where a clause only sets the scene or follows up."""

from __future__ import annotations

from routing.core.text import clauses


def test_one_need_is_one_clause():
    assert [c.text for c in clauses("order replacement ID cards")] == ["order replacement ID cards"]


def test_an_additive_connector_starts_a_second_request():
    found = clauses("I need a copy of last month's bill, and we also want to change our broker of record.")
    assert [c.text for c in found] == ["I need a copy of last month's bill", "we also want to change our broker of record."]
    assert found[1].adds and found[1].asks


def test_the_longest_connector_cuts():
    found = clauses("Our coverage lapsed and we need it reinstated, and after that I want to order ID cards.")
    assert found[-1].text == "I want to order ID cards." and found[-1].adds


def test_a_but_names_an_obstacle_not_a_second_request():
    found = clauses("I want to pay our bill online but the site keeps timing out.")
    assert found[1].but and not found[1].adds


def test_a_clause_that_points_back_continues_the_one_before():
    found = clauses("The pharmacy keeps getting my name wrong and I'd like to raise it with someone.")
    assert len(found) == 1


def test_a_scene_setting_clause_asks_for_nothing():
    found = clauses("Money is tight and we'd like to get something cheaper.")
    assert not found[0].asks and found[1].asks


def test_spanish_connectors_split_too():
    found = clauses("Necesito una copia de la factura y también quiero cambiar de corredor.")
    assert len(found) == 2


def test_a_connector_said_alone_joins_the_request_after_it():
    found = clauses("What do we send you to add them? Also, can I download our roster?")
    assert [c.text for c in found] == ["What do we send you to add them?", "can I download our roster?"]
    assert found[1].adds and found[1].said_also


def test_a_plain_and_is_not_saying_also():
    found = clauses("What do they pay to see a specialist, and do they need a referral?")
    assert found[1].adds and not found[1].said_also


def test_what_happened_next_in_a_story_is_not_a_second_request():
    # "and then" after a piece that asks for nothing tells what happened next: one problem, one clause.
    parts = clauses("I tried all morning. It spins for a minute and then throws an error.")
    # Joined as it was written: the clause is shown back to the person when it is a second need.
    assert [p.text for p in parts] == ["I tried all morning.", "It spins for a minute and then throws an error."]
    parts = clauses("Lo intenté toda la mañana. La página se congeló y luego dio un error.")
    assert [p.text for p in parts] == ["Lo intenté toda la mañana.", "La página se congeló y luego dio un error."]
    # After a request, "and then" still starts the next one.
    parts = clauses("I need a copy of the bill and then I want to change our address.")
    assert [(p.text, p.adds) for p in parts] == [("I need a copy of the bill", False), ("I want to change our address.", True)]


def test_having_questions_is_asking():
    parts = clauses("I have general questions about renewing our coverage, and the enrollment page also keeps throwing an error.")
    assert parts[0].asks and parts[1].adds
    assert not clauses("Renewal question, and I don't mean our business license")[0].asks
