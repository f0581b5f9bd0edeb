"""Emergencies told by their signs, and questions about other domains' things, on the real directory and index."""

from __future__ import annotations

import pytest

from routing.core.directory import load
from routing.core.instants import parse_instant
from routing.core.rules import CONFIDENT, route
from routing.settings import ROOT
from routing.store.search_index import open_index

MONDAY_10AM = parse_instant("2026-11-23T10:00:00-08:00")


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    return open_index(load(ROOT / "directory.yaml"), tmp_path_factory.mktemp("index"))


# -- emergencies: a body part and what suddenly happens to it, in any wording --------------------


@pytest.mark.parametrize(
    "question",
    [
        "my dad's mouth is drooping and his speech sounds slurred",
        "his lips are swelling up after the shrimp",
        "my wife says her chest feels tight and heavy",
        "le duele mucho el pecho a mi papá",
        "a mi mamá se le durmió el brazo izquierdo y tiene la cara torcida",
        "She fell down the stairs and isn't responding",
        "mi abuelo se cayó en el piso y no responde",
        "no lo puedo despertar, se tomó muchas pastillas",
        "my toddler ate a magnet",
        "she drank some of the drain cleaner",
        "he got hit by a car in our parking lot and he won't respond",
        "my baby isn't breathing",
        "her arm and leg on one side went weak all of a sudden",
        "emergency my dad is not responding",
    ],
)
def test_signs_that_go_together_are_an_emergency(index, question):
    decision = route(index, question, "ivr", MONDAY_10AM)
    assert decision.safety and decision.contact.id == "emergency"


@pytest.mark.parametrize(
    "question",
    [
        "hes not brething",  # reads as "breath" + "ing" to the careful typo repair
        "her speach is slured and her face is droopy",
        "my son is chocking on a grape",
    ],
)
def test_typos_of_safety_words_are_read_for_the_safety_rules(index, question):
    assert route(index, question, "web", MONDAY_10AM).safety


@pytest.mark.parametrize(
    "question",
    [
        "Our receptionist's left arm is numb and it started ten minutes ago. Will our plan cover the ER downtown?",
        "He fell off a ladder and isn't waking up. Is he covered if we go to the closest hospital?",
    ],
)
def test_a_state_described_is_an_emergency_even_beside_a_coverage_question(index, question):
    assert route(index, question, "email", MONDAY_10AM).safety


def test_a_condition_named_beside_a_coverage_question_is_a_benefit_question(index):
    decision = route(index, "Is the ER covered if an employee has chest pain?", "web", MONDAY_10AM)
    assert not decision.safety and decision.contact.id == "client-services-unit"


def test_an_unless_list_may_name_other_lists(index):
    named = next(r for r in index.directory.rules if r.id == "emergency-named")
    assert {"last month", "covered if"} <= set(named.when.unless)


def test_talk_of_self_harm_is_an_emergency_even_beside_a_coverage_question(index):
    decision = route(index, "I want to kill myself. Does our plan cover counseling?", "web", MONDAY_10AM)
    assert decision.safety
    # Asking what the plan does if something happens is no emergency.
    assert not route(index, "What happens to coverage if an employee has a heart attack at work?", "web", MONDAY_10AM).safety


@pytest.mark.parametrize(
    "question",
    [
        "One of our staff is going abroad for several months to care for her mother.",
        "We took the cleaning crew off the plan.",
        # Swelling is an emergency of the airway, not of an arm or a leg.
        "my arm is swollen after the flu shot",
        "is the ER covered if my employee has chest pain?",
    ],
)
def test_ordinary_words_that_stem_like_a_safety_word_are_no_emergency(index, question):
    assert not route(index, question, "web", MONDAY_10AM).safety


def test_a_word_near_a_safety_word_is_not_repaired_for_search(index):
    # "stoke" is five letters: too short to be read as "stroke", and search never reads the repair.
    decision = route(index, "the stoke of the pen on our renewal", "web", MONDAY_10AM)
    assert not decision.safety


# -- other domains: the thing owns its words; the plan itself named keeps the plan need ------------


@pytest.mark.parametrize(
    "question",
    [
        "How do I update the address on my Verizon account?",
        "I need a new card for my Planet Fitness membership",
        "How do I add a new hire to QuickBooks payroll?",
        "What's the deductible on my car insurance?",
        "How do I renew my nursing license?",
        "Can you rebook my flight to Denver?",
        "My streaming bill went up again. How do I cancel it?",
        "¿Cómo cambio mi plan de celular?",
    ],
)
def test_the_plans_words_that_belong_to_another_domains_thing_do_not_make_it_a_plan_question(index, question):
    decision = route(index, question, "web", MONDAY_10AM)
    assert decision.offtopic and decision.confidence < CONFIDENT
    assert decision.contact.id == "small-business-representative"


# -- plan questions with an emergency's or another domain's words go to their team ----------------


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # Words that also describe a broker, a website or a business's trouble.
        ("Our broker is not responding to emails, who else can help?", "account-management-support"),
        ("Queremos cambiar de corredor, el que teníamos ya no nos contesta.", "account-management-support"),
        ("This is an emergency, our coverage got cancelled and payroll is tomorrow", "california-service-center"),
        ("I'm having a heart attack over this bill lol, why did it go up?", "california-service-center"),
        ("Who is listed as our emergency contact and how do we change it?", "account-management-support"),
        # What the plan does for an emergency is a benefit question.
        ("Do we have coverage for medical emergencies when employees travel?", "client-services-unit"),
        ("What does the plan pay if someone ends up in the ER?", "client-services-unit"),
        # Another domain named, and a plan need beside it.
        ("The bank needs a copy of our health insurance contract for a loan, where do I get it?", "client-services-unit"),
        ("Can we pay the premium from our business bank account?", "account-kp-org"),
        ("Our yoga studio lost two instructors this spring. Can we move to a cheaper plan before renewal?", "account-management-support"),
    ],
)
def test_a_plan_question_with_emergency_or_other_domain_words_goes_to_its_team(index, question, expected):
    decision = route(index, question, "web", MONDAY_10AM)
    assert not decision.safety and not decision.offtopic
    assert decision.contact.id == expected
