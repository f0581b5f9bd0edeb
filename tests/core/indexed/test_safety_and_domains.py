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
        # A fall and the harm it did; too much medicine at once; hopelessness told in the third person.
        "my dad fell down the stairs and he can't get up his leg is bent the wrong way",
        "un trabajador se cayó del techo y tiene la pierna doblada al revés",
        "she says she took all her antidepressants and she's saying goodbye",
        "my wife says she doesnt want to be alive anymore",
        "I'm standing on the bridge and I don't see a reason to keep going",
        "mi mamá tiene la boca chueca y no puede hablar bien",
        "my son swallowed something corrosive from under the sink",
        "he got stung and he's breaking out in hives and his breathing is wheezy",
        # What is seen, not named; beside a plan question it stays an emergency.
        "my brother texted goodbye i love you and now he's not answering and he has a gun in the house",
        "my baby is really floppy and there's a purple rash that doesn't go away",
        "our farmhand rolled the tractor and he's trapped underneath it",
        "my grandpa fell down the stairs his hip looks wrong and he cant get up is an er visit covered",
        "hay humo por toda la casa y mi papá sigue adentro",
        "mi bebé tiene los labios azules y se le hunden las costillas",
        "my employee was spraying pesticide and now his pupils are pinpoint, does our plan cover poisoning",
        # Signs of two kinds, however worded, and beside a question about coverage or the ambulance.
        "my coworker cut himself on glass and blood is squirting out of his wrist, does our plan cover the ambulance ride",
        "the fryer caught fire and the cook's arm got burned, the skin is white and peeling, is a burn center covered",
        "i got stung by a bee out back at work and my throat feels tight and my face is swelling up",
        "i was calling about our renewal but my employee just went down and he's not answering me",
        "my friend texted me goodbye and now she's not picking up, she said last week she bought a gun",
        "our plumber went into the crawlspace and stopped answering, it smells like rotten eggs down there",
        "my brother went in the river after the dog and he went under and hasn't come back up",
        "my husband is hitting me and he's in the other room, i'm locked in the bathroom",
        "question about cobra but wait my mom's face just went crooked on one side and she's talking gibberish",
        "mi novio me dijo que se va a matar esta noche y ya no contesta",
        "estoy en la azotea y ya no quiero seguir, ¿mi familia seguirá teniendo el seguro?",
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
        "plz help i think hes having a hart attack at work",  # "hart" is a word, but beside "attack" it is "heart"
        "my boss has bad chest pian and is sweating",
    ],
)
def test_a_real_word_beside_its_safety_phrase_partner_is_read_as_the_partner(index, question):
    assert route(index, question, "web", MONDAY_10AM).safety


@pytest.mark.parametrize(
    "question",
    [
        "i feel fine but need a new member card",  # "feel" is one edit from "fell", yet nothing beside it makes a phrase
        "our office manager's heart is set on the gold plan, can we change plans",
    ],
)
def test_a_word_near_a_safety_word_without_its_partner_is_left_alone(index, question):
    assert not route(index, question, "web", MONDAY_10AM).safety


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
        # Everyday business talk that shares a word with an emergency's signs (from a review and a new user's trial).
        # Dictionary words one letter from a safety word are those words, not typos of it.
        "We run a cooking school; how do we add a new hire?",
        "We painted the new office; how do I update our address?",
        "Our workers are on strike next month. Does their coverage continue?",
        "We had a data breach and need to change our billing contact",
        # A body word and a sign word apart, each in its everyday sense.
        "There's an increase in labor costs, can we get a cheaper plan?",
        "Our employee's baby is coming next month, how do we add the baby?",
        "Our skin care salon is closing, how do we cancel the group plan?",
        "We're closing the business and have to face our employees, what about COBRA?",
        "It costs an arm and a leg and we can't move to a cheaper plan",
        "I can't move forward until the words in section 3 of the contract are explained",
        "Our phone is blowing up with questions about the new deductible",
        # A website, a broker or a company that does not respond is not a person.
        "Our broker is not responding and we are switching from Blue Shield",
        "The website is not responding when I try to add my son",
        "The portal is not responding; my wife can't see her ID card",
        "Our broker is not responding and the website keeps crashing",
        "We run a dry cleaner. One of our workers got into a car accident, is he covered?",
        "We sell chemicals and got into a dispute about our bill",
        "An employee hurt himself on the job. Does he file with you or workers comp?",
        # Over and well, or a figure of speech.
        "one of my cashiers fainted at work yesterday, she's totally fine today, but she wants a check-up",
        "The stroke of midnight tonight is our payment deadline. Who can give me some breathing room?",
        "I overdosed on coffee trying to read this renewal paperwork, who handles renewal changes?",
        "Our old broker retired and can't get up to speed on our new account, who takes over?",
        "Pest control company here (poison is literally our business). How do I set up automatic withdrawal?",
        "We host overdose prevention training for staff. Does our group plan cover addiction treatment?",
        "my emploee had a hart attack last yr and is back now, does he still qualify for coverage",
        "our broker had a stroke in the spring and has retired, we need a new broker on file",
        "Our retiring bookkeeper said goodbye to everyone tonight at her party; who gets the bills now?",
        "my arm is sore and a little swollen after the flu shot, is that normal?",
        "One of my staff lost her brother to an overdose. Can she get her Narcan prescription refilled online?",
        "I've had a pacemaker since 2018 and I'm almost out of my blood thinner. Can I order the refill online?",
        "My heart skipped a beat when the cancellation notice came. Can someone check our balance?",
        "Help, I'm drowning in paperwork. Where do I send termination forms?",
        "I'm done with everything on the enrollment form, what next?",
        "I want to compliment the phlebotomist who drew my blood on Tuesday, she was patient with my needle phobia.",
        "Busco un cardiólogo cerca de Oakland, tuve un infarto hace dos años.",
    ],
)
def test_ordinary_words_that_stem_like_a_safety_word_are_no_emergency(index, question):
    decision = route(index, question, "web", MONDAY_10AM)
    assert not decision.safety, decision.reason


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
        # Paying the plan's bill by card or from a bank is the plan's business.
        ("Do you take American Express for the monthly bill?", "account-kp-org"),  # bills are paid on the employer site
        ("Can I pay the bill with a Visa card?", "account-kp-org"),
        ("We switched to Chase Bank, how do I update our autopay?", "account-kp-org"),
        # A business that names another domain is still an employer: its request is the plan's.
        ("i run a little hair salon and uh we're short on money this month can i like pay the premium late or in pieces", "california-service-center"),
        # A spouse to cover is an enrollment application (account.kp.org beside it), in Spanish as in English.
        ("Mucho gusto, quiero agregar a mi esposa al seguro", "california-service-center"),
        # Found by a review: a licensed broker, two of the month's bills as the scene, COBRA from a gym's employer.
        ("I'm a licensed broker, how do I become broker of record for a group?", "account-management-support"),
        ("Between the PG&E bill and the rent increase we're short this month. Can we set up a payment arrangement?", "california-service-center"),
        ("My employee just quit our gym job, can he get COBRA?", "client-services-unit"),
        # The Spanish verb "cobrar" is a charge on the bill, not COBRA.
        ("la factura nos cobra por 9 empleados pero solo tengo 7", "california-service-center"),
        ("¿Por qué nos cobran por dos empleados que ya no trabajan aquí?", "california-service-center"),
        ("Necesito el formulario de COBRA por correo", "client-services-unit"),
    ],
)
def test_a_plan_question_with_emergency_or_other_domain_words_goes_to_its_team(index, question, expected):
    decision = route(index, question, "web", MONDAY_10AM)
    assert not decision.safety and not decision.offtopic
    assert decision.contact.id == expected


@pytest.mark.parametrize("question", ["Can I upgrade the plan for my Netflix account?", "How do I cancel our plan with Verizon?"])
def test_a_plan_of_another_domains_thing_is_still_off_topic(index, question):
    assert route(index, question, "web", MONDAY_10AM).offtopic


# -- the sixth session's round: heat illness, a condition's medicine, plan words as said -----------


@pytest.mark.parametrize(
    "question",
    ["one of my roofers is dizzy and confused after working in the sun all day", "she stopped sweating and is burning up out in the heat"],
)
def test_heat_illness_told_by_its_signs_is_an_emergency(index, question):
    assert route(index, question, "ivr", MONDAY_10AM).safety


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Does the plan cover heat exhaustion treatment?", "client-services-unit"),
        # The condition names the medicine; the medicine running out is a refill.
        ("His seizure meds are running low, how does he get more?", "kp-org"),
        # Over, and the person is well.
        ("My receptionist fainted this morning but she's fine, can she book a checkup?", "kp-org"),
        # A vehicle's crash is not the website's.
        ("After the truck crash his ID card was lost, how does he get a new one?", "account-kp-org"),
        ("Our cashier fainted yesterday, got checked out and is fine. She needs a follow-up appointment.", "kp-org"),
    ],
)
def test_emergency_words_that_are_not_an_emergency_now_go_to_the_team(index, question, expected):
    decision = route(index, question, "web", MONDAY_10AM)
    assert not decision.safety and decision.contact.id == expected


@pytest.mark.parametrize(
    "question",
    [
        "Stroke of bad luck: our bank changed our account number.",
        "At the stroke of midnight our renewal kicks in.",
        "My managers are burned out badly. Does our plan cover counseling?",
    ],
)
def test_a_stroke_of_luck_or_being_burned_out_is_a_figure_of_speech(index, question):
    assert not route(index, question, "web", MONDAY_10AM).safety


@pytest.mark.parametrize(
    "question",
    [
        # "coverage" alone does not name the plan, though "medical coverage" folds into it among the synonyms.
        "What's the coverage area of our cell phone plan?",
        "Our printer keeps jamming when I print labels",
        "Where do I get toner for the copier?",
        "Can I buy gift cards for my staff for the holidays?",
    ],
)
def test_office_things_and_a_phone_carriers_coverage_are_off_topic(index, question):
    decision = route(index, question, "web", MONDAY_10AM)
    assert decision.offtopic and decision.confidence < CONFIDENT


def test_a_plan_named_in_its_own_words_beside_another_domain_keeps_the_plan_need(index):
    assert not route(index, "The bank wants proof of our medical insurance for the loan", "web", MONDAY_10AM).offtopic


# -- signs told in plain words: burns, chemicals, electric shocks, blood sugar ------------------------


@pytest.mark.parametrize(
    "question",
    [
        "the grill cook got splashed with hot oil and the skin on his arm is blistering",
        "a tray of boiling water tipped onto her legs and the skin is peeling",
        "someone mixed bleach and ammonia in the bathroom and now two of us are coughing and dizzy",
        "the degreaser splashed in his eyes and he says he can't see",
        "our electrician got shocked at the breaker box and he's on the floor",
        "she touched a live wire and her hand is burned",
        "my diabetic bookkeeper is shaking and sweaty and not making sense",
        "se quemó con aceite hirviendo y tiene ampollas en la piel",
        "the pallet jack pinned her foot against the wall",
        "our dishwasher burned her hand really badly on the grill and she looks pale",
        "a shelf fell on our stocker and he's screaming",
    ],
)
def test_burns_chemicals_shocks_and_blood_sugar_told_by_their_signs_are_an_emergency(index, question):
    assert route(index, question, "web", MONDAY_10AM).safety, question


@pytest.mark.parametrize(
    "question",
    [
        "Where do we buy bleach at a discount for the office?",  # "ate" once stemmed to "at"
        "I was shocked by the bill this month, my heart sank",
        "My diabetic employee is confused about her insulin copay",
        "Does the plan cover burn treatment if a cook gets burned at work?",
        "Hypothetically, if one of my cooks had a stroke on a trip, is the hospital covered?",
        "My warehouse guy overdosed a while back and is in recovery now. He wants a new doctor.",
        "Our chef burned his hand on the grill last week and is back at work, but he lost his member card",
        # Found by review: ordinary questions that the sign rules, the turn or `alone` once took for emergencies.
        "Is laser treatment for burn scars on his skin covered?",
        "My employee has acid reflux and a burning feeling, is her medication covered?",
        "We use bleach to clean; does vision coverage include eye exams?",
        "Our diabetic employee's bill is not making sense.",
        "My daughter got into a new job and needs her medication covered.",
        "Our electrician got shocked by the bill, his hand was on his heart.",
        "The portal keeps freezing. Right now it's not responding when I add my son.",
        "Our broker hasn't called back in a week. Right now he's not responding about adding my wife.",
        "My husband passed away last month. Can I hold on to the coverage? The heart attack bills keep coming.",
        "it's not responding",
        "my coworker is not responding to my texts",
    ],
)
def test_the_same_words_told_of_a_bill_a_plan_question_a_thing_or_a_past_event_are_no_emergency(index, question):
    assert not route(index, question, "web", MONDAY_10AM).safety, question


def test_an_emergency_that_breaks_into_a_question_about_last_weeks_paperwork_is_caught(index):
    question = "We got the renewal packet last week and I had a question on page 2, oh my god hold on, my partner just collapsed"
    assert route(index, question, "ivr", MONDAY_10AM).safety
    # Without the turn to the present, the past "last week" keeps a collapse told of it from being one now.
    assert not route(index, "My partner collapsed at work last week; what forms do we need?", "web", MONDAY_10AM).safety


def test_a_scene_whose_other_thing_owns_the_plans_word_is_what_the_next_question_is_about(index):
    lost = route(index, "I lost my Costco membership card. How do I get a replacement?", "web", MONDAY_10AM)
    assert lost.offtopic and not lost.confident
    # A question for another team still asks the plan: the yoga studio is an employer too.
    cheaper = route(index, "Our gym lost two trainers this spring. Can we switch to a cheaper plan at renewal?", "web", MONDAY_10AM)
    assert cheaper.contact.id == "account-management-support"
    # Naming the plan itself keeps the plan need.
    named = route(index, "I lost my gym membership card. How do I get a replacement health plan ID card?", "web", MONDAY_10AM)
    assert named.contact.id == "account-kp-org"


def test_a_state_said_with_nothing_else_is_a_person_and_with_a_thing_named_is_that_thing(index):
    assert route(index, "not responding", "ivr", MONDAY_10AM).safety
    assert route(index, "no responde", "ivr", MONDAY_10AM).safety
    assert not route(index, "the employer website is not responding", "web", MONDAY_10AM).safety
    assert not route(index, "the California Service Center is not responding to my emails", "web", MONDAY_10AM).safety


def test_a_child_into_someones_medicine_is_an_emergency_and_a_childs_refill_is_not(index):
    assert route(index, "my toddler got into the neighbor's blood pressure pills", "web", MONDAY_10AM).safety
    assert route(index, "mi niña se comió unas pastillas de su abuela", "web", MONDAY_10AM).safety
    assert not route(index, "my son needs his medicine refilled", "web", MONDAY_10AM).safety
    assert not route(index, "my daughter got into pharmacy school, can she stay on the plan?", "web", MONDAY_10AM).safety


@pytest.mark.parametrize(
    "question",
    [
        "Our fleet insurance went up after a fender bender. Who do I talk to?",
        "How do I add two phones to our unlimited data plan?",
        "Where do I mail our Form 941 this quarter?",
        "Which first aid kit should the food truck carry?",
        "How much overtime does a line cook get for a 10-hour shift?",
        "The city sent a water shutoff notice to the bakery.",
        "¿Cuándo se pagan los impuestos de nómina?",

        # Told in sentences: every plan word is the other thing's, and the question points back at it.
        "Our AT&T business plan renews in March. Can we go down to four lines midyear?",
        "We also carry a separate VSP vision plan. How do I add our new cashier to it?",
        # A synonym must not swallow the other thing ("insurance agent" would read as a broker of record).
        "Can you suggest a life insurance agent for my business partner?",
        # Things the plan never deals with, named by kind.
        "How do I renew my pharmacist license?",
        "Where can I find a good recipe for sourdough?",
        "How do I add my new bakery to Google Maps?",
        "Is our bakery eligible for the small business health care tax credit?",
        "Who handles the renewal on our crop insurance?",
        "How should I word a termination letter for a server who stopped showing up?",
        "How do I set up QuickBooks to deduct our employees' 401(k) contributions?",
        "How do I sign my son up for summer camp at the YMCA?",
        "Our cell phone plan bill jumped this month. Can we switch to a cheaper plan mid-contract?",
        # What another thing sends is its own; UPS is a carrier, not "up"; the IRS and a child's school are not the plan's.
        "The water district sent us a past due bill for the warehouse, who do I call?",
        "UPS lost two boxes of our gloves, how do I file a claim?",
        "How do I update our EIN with the IRS?",
        "What's the enrollment deadline for my kid's preschool?",
    ],
)
def test_other_businesses_things_that_share_the_plans_words_are_off_topic(index, question):
    decision = route(index, question, "web", MONDAY_10AM)
    assert decision.offtopic and not decision.confident, question


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Can the premium come straight out of our bank account every month?", "account-kp-org"),
        ("The IRS gave us a new tax ID number after we became an LLC.", "account-kp-org"),
        ("I need to update the cell phone number for our billing contact", "account-management-support"),
    ],
)
def test_the_plans_own_requests_beside_those_words_still_go_to_their_team(index, question, expected):
    assert route(index, question, "web", MONDAY_10AM).contact.id == expected, question


def test_an_emergency_only_imagined_is_a_plan_question_and_one_feared_now_is_an_emergency(index):
    planning = route(index, "If someone ever collapsed at the bakery, would the plan cover the ambulance? Nobody's hurt.", "web", MONDAY_10AM)
    assert not planning.safety and planning.contact.id == "client-services-unit"
    # "dies" is not "died": a collapse with a fear of dying is happening now.
    assert route(index, "my cashier collapsed, what if she dies", "ivr", MONDAY_10AM).safety
    assert not route(index, "our cashier died in May; how do we take her off the plan?", "web", MONDAY_10AM).safety


@pytest.mark.parametrize("question", ["a truck backed into our company van, how do i file the claim", "Someone rear-ended our work truck. Who handles that claim?"])
def test_a_vehicle_claim_told_without_naming_car_insurance_is_off_topic(index, question):
    decision = route(index, question, "web", MONDAY_10AM)
    assert decision.offtopic and not decision.confident, question


@pytest.mark.parametrize("question", ["oh my god he's not responding", "my coworker is not responding", "still not responding"])
def test_a_person_not_responding_is_an_emergency(index, question):
    assert route(index, question, "ivr", MONDAY_10AM).safety, question


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # The speaker's own business, one of their people by job, or a thing said to be beside the point.
        ("hey it's Lena from the nail salon, my nail tech quit and wants the cobra thing", {"client-services-unit"}),
        ("We're a small gym with nine trainers. How do we add a new hire to our plan?", {"account-kp-org", "california-service-center"}),
        ("Our vet tech just had a baby, how do we add her to the plan?", {"account-kp-org", "california-service-center"}),
        ("Not a car insurance question: the ID cards for our two new hires never arrived.", {"account-kp-org", "california-service-center"}),
    ],
)
def test_a_business_a_job_or_a_thing_set_aside_leaves_the_plan_question(index, question, expected):
    decision = route(index, question, "web", MONDAY_10AM)
    assert decision.contact.id in expected and decision.confident and not decision.offtopic, (question, decision.contact.id)


@pytest.mark.parametrize(
    "question",
    [
        "If one of my cooks ever fell off a step stool, would the plan pay for the ambulance?",
        "How do I file a workers' comp claim for the cook who cut his hand?",
    ],
)
def test_a_maybe_or_the_paperwork_after_an_injury_is_no_emergency(index, question):
    assert not route(index, question, "web", MONDAY_10AM).safety, question


@pytest.mark.parametrize(
    "question",
    [
        "I uploaded the new hire's form but it isn't showing in our history on the site.",
        "The payment page on account.kp.org froze halfway through.",
        "Every time I click submit on the employer site I just get a spinning wheel.",
    ],
)
def test_a_website_that_hangs_or_shows_nothing_is_for_the_help_line(index, question):
    assert route(index, question, "web", MONDAY_10AM).contact.id == "online-self-service-help", question


def test_a_bill_an_employee_got_for_their_care_is_for_member_services(index):
    decision = route(index, "My dishwasher went to urgent care in May and now got a bill he can't make sense of.", "web", MONDAY_10AM)
    assert decision.contact.id == "member-services"


def test_a_signature_is_who_wrote_not_what_they_ask(index):
    from routing.core.rules import without_signature

    email = ("Subject: new hire form\n\nHello, I filled out the enrollment form for our new groomer. Where should it go, email or fax?"
             "\n\nThanks,\nOmar\nFront Office, Bayview Vet Hospital")
    assert "Bayview" not in without_signature(email) and "groomer" in without_signature(email)
    decision = route(index, email, "email", MONDAY_10AM)
    assert decision.contact.id == "california-service-center" and not decision.offtopic
    assert decision.query == email  # the answer still quotes the whole message
    assert without_signature("Thanks for the help last week, where is my bill?") == "Thanks for the help last week, where is my bill?"


@pytest.mark.parametrize(
    ("email", "team"),
    [
        # A phone's mail tagline names a phone: it must not make the question another domain's.
        ("Subject: can't get in\n\nit keeps saying my account is locked when I try the employer site. Sent from my iPhone",
         "online-self-service-help"),
        ("Subject: Re: form error\n\nWhen I click sign on the enrollment form online it says session expired.\n\nSent from Outlook for Android",
         "online-self-service-help"),
        # A sign-off run into the last sentence: the business in it is who wrote, not what they ask about.
        ("Subject: new office manager\n\nI'm replacing Karen as the main contact for our account. Please update. -- Jess Morales, Heartland Grocery",
         "account-management-support"),
    ],
)
def test_a_mail_tagline_or_an_inline_sign_off_is_not_the_question(index, email, team):
    decision = route(index, email, "email", MONDAY_10AM)
    assert decision.contact.id == team and not decision.offtopic, decision.reason


def test_below_the_signature_separator_is_the_signature(index):
    email = ("Subject: website keeps kicking me out\n\nEvery time I sign in to the employer site it sends me back to the login screen."
             "\n\n--\nLena Park\nBlackbird Coffee Roasters | Ops\n510.555.0177")
    decision = route(index, email, "email", MONDAY_10AM)
    assert decision.contact.id == "online-self-service-help" and not decision.offtopic, decision.reason


def test_a_name_and_company_block_or_a_legal_notice_closing_an_email_is_not_the_question(index):
    from routing.core.rules import without_signature

    email = ("Subject: what each employee pays\n\nBefore open enrollment I want every barista to see what comes out of their paycheck"
             " for each plan. Is there something that shows that per person?\n\nLena Park\nBlackbird Coffee Roasters\n510.555.0177"
             "\n\nThe information in this email is confidential and may be legally privileged.")
    assert without_signature(email).endswith("per person?")
    assert not route(index, email, "email", MONDAY_10AM).offtopic
    # A last paragraph that is a sentence, not a signature, stays.
    assert without_signature("Subject: bill\n\nWhy is our bill higher?\n\nWe only have six people now.").endswith("six people now.")


def test_what_follows_thanks_in_a_sentence_stays_and_danger_is_read_in_a_signature_too(index):
    from routing.core.rules import without_signature

    assert without_signature("We pay 3 - 4 people. Thanks, but why is the bill so high") == "We pay 3 - 4 people. Thanks, but why is the bill so high"
    assert without_signature("Where is our bill? - Ana, Ortiz Landscaping") == "Where is our bill?"
    # Shaped like a signature, but it says someone is in danger: the answer is still the emergency one.
    assert route(index, "Who do I call about our bill? -- My Coworker Collapsed, Not Breathing", "email", MONDAY_10AM).safety


def test_a_cut_told_plainly_is_an_emergency_and_its_paperwork_is_not(index):
    assert route(index, "my guy cut his hand bad", "ivr", MONDAY_10AM).safety
    assert route(index, "he is notbreathing", "web", MONDAY_10AM).safety  # two words typed as one, a safety phrase's
    assert not route(index, "How do I file a workers' comp claim for an employee who cut his hand on the job?", "web", MONDAY_10AM).safety


@pytest.mark.parametrize(
    "question",
    [
        "Honestly this invoice is going to give me a stroke. Why is it higher than last month?",
        "I nearly had a heart attack when I saw the bill this month.",
        "One of my cooks has epilepsy and gets seizures now and then. Which neurologists are in network?",
        "We lost our foreman to suicide last spring. Does the plan cover grief counseling for the crew?",
        "Is suicide prevention training something our plan offers to employers?",
    ],
)
def test_a_figure_of_speech_a_condition_lived_with_or_a_past_loss_is_not_an_emergency(index, question):
    decision = route(index, question, "web", MONDAY_10AM)
    assert not decision.safety, decision.reason


def test_a_chemical_on_the_skin_doing_harm_now_is_an_emergency(index):
    assert route(index, "the drain cleaner splashed on his arm and the skin is blistering", "ivr", MONDAY_10AM).safety
    assert route(index, "She got sprayed with antifreeze and her eyes are burning", "web", MONDAY_10AM).safety
    assert route(index, "He is having a seizure right now on the floor", "web", MONDAY_10AM).safety


@pytest.mark.parametrize(
    "question",
    [
        "We're a six-person bakery and have never offered health benefits. What would it cost?",
        "i want to get health insurance for my three workers how much is it",
        "Tengo un taller con cuatro empleados y quiero saber cuánto cuesta un plan de salud.",
    ],
)
def test_a_business_without_the_plan_yet_is_told_the_general_line_and_that_no_sales_line_is_listed(index, question):
    decision = route(index, question, "web", MONDAY_10AM)
    assert decision.contact.id == "small-business-representative" and decision.confident
    assert decision.rule is not None and decision.rule.id == "a-plan-for-a-new-group"


@pytest.mark.parametrize(
    "question",
    [
        "My brother owns a separate business across town and wants the same insurance we have. Who can price it for him?",
        "got a shop with four people no insurance right now how much would it be to get everybody covered",
    ],
)
def test_a_second_business_or_one_with_no_insurance_yet_is_a_new_group(index, question):
    assert route(index, question, "web", MONDAY_10AM).contact.id == "small-business-representative"


def test_cutting_the_cost_of_the_plan_we_have_is_not_a_new_group(index):
    decision = route(index, "Our startup is struggling and we need to cut what we spend on the health plan.", "web", MONDAY_10AM)
    assert decision.rule is None or decision.rule.id != "a-plan-for-a-new-group"
