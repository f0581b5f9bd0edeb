"""The group ID and group name, read from email as employers write them, and never a person, a broker's firm or a decoy number."""

from __future__ import annotations

import pytest

from routing.core.email.addresses import is_email_address
from routing.core.email.group_fields import find_group_id, find_group_name, person_words
from routing.core.email.group_ids import group_ids
from routing.core.email.names import spells_domain
from routing.core.email.parse import parse
from routing.core.model import Directory


def mail(body: str, subject: str = "Question", sender: str = "Ana Ortiz <ana@example.com>", headers: str = "") -> bytes:
    head = f"From: {sender}\n" if sender else ""
    return f"{head}To: inbox@example.com\nSubject: {subject}\n{headers}Content-Type: text/plain; charset=utf-8\n\n{body}".encode()


def read(directory: Directory, body: str, **kw: str) -> tuple[str | None, str | None, str]:
    parsed = parse(mail(body, **kw))
    gid, gid_note, several = find_group_id(parsed, directory)
    name, name_note = find_group_name(parsed, directory, person_words(parsed), several)
    return (gid.value if gid else None), (name.value if name else None), gid_note or name_note


# --- group IDs --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Grp# 880342", ["880342"]),
        ("our group # is 584410", ["584410"]),
        ("group no. 7104432", ["7104432"]),
        ("Group # 509312-0001", ["509312"]),  # the suffix is a billing sub-unit
        ("Group 0417720", ["0417720"]),  # a leading zero is kept
        ("Hello, sorry, our account is #774051.", ["774051"]),
        ("[Bluefin Sushi Bar #0117742] copy of bill", ["0117742"]),
        ("Número de grupo: 582904", ["582904"]),
        ("Nuestro número de grupo es 715523.", ["715523"]),
        ("ID de grupo: 682214", ["682214"]),
        ("Grupo no. 733019", ["733019"]),
        ("Pinecrest Preschool (ID 450331)", ["450331"]),
    ],
)
def test_group_ids_in_their_real_forms(text: str, expected: list[str], directory: Directory) -> None:
    assert group_ids(text, directory) == expected


@pytest.mark.parametrize(
    "decoy",
    [
        "Sacramento, CA 95814",
        "call (916) 555-0128",
        "Invoice #: 0012093381",
        "we mailed check #10482 for the full balance",
        "statement no. ST-0325-11872, statement 40021877",
        "confirmation number 7719-2201-55",
        "I was given reference #00981234",
        "[Ticket 448120]",
        "EIN: 94-3318820",
        "member #000118839204, plan 2100, Member ID: 88120455",
        "NPN 19900413 | Lic. 0M11842",
        "last day 02/14/2025",
        "our bank account #44120093",
    ],
)
def test_decoys_are_not_group_ids(decoy: str, directory: Directory) -> None:
    assert group_ids(decoy, directory) == []


def test_subject_and_body_that_disagree_go_to_a_person(directory: Directory) -> None:
    gid, _, note = read(directory, "Please send a copy of our April bill. Our group ID is 558231.\n\nHoward Lim\nOakmont Dry Cleaners", subject="Grp 558213 - bill copy")
    assert gid is None
    assert "558213" in note and "558231" in note


def test_a_broker_writing_about_two_groups_gets_neither_id_nor_name(directory: Directory) -> None:
    body = "Two of my small groups have COBRA questions:\n- Sequoia Tree Care, group 120488\n- Harvest Moon Catering, group 120913\n\nNathalie\nFontaine Benefits Consulting"
    gid, name, note = read(directory, body)
    assert (gid, name) == (None, None)
    assert "120488 and 120913" in note


def test_an_old_id_in_quoted_history_gives_way_to_the_new_text(directory: Directory) -> None:
    body = "Our group ID is 441208 (not 441280).\n\nTom\n\n-----Original Message-----\nFrom: Tom <tom@example.com>\nSent: Monday\nSubject: bill\n\nGroup ID 441280"
    assert read(directory, body, subject="RE: bill")[0] == "441208"


def test_the_senders_own_earlier_message_gives_the_id_when_the_reply_does_not(directory: Directory) -> None:
    body = (
        "Here is the signed form you asked for.\n\nBeth\n\n"
        "On Mon, Mar 10, 2025 at 4:15 PM, Help Desk <desk@example.com> wrote:\n> Please reply with the form. Group ID 1111111\n>\n"
        "> On Mon, Mar 10, 2025 at 1:02 PM, Beth Sorensen <beth@example.com> wrote:\n>> We need to terminate coverage.\n>> Group ID 3345091\n"
    )
    gid, _, _ = read(directory, body, subject="Re: Termination", sender="Beth Sorensen <beth@example.com>")
    assert gid == "3345091"  # the sender's own, not the desk's


# --- group names ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body, subject, sender, expected",
    [
        ("Please update our contact.\n\nGroup: Summit Solar Installers, Group ID: 900216\n\nThanks,\nDana", "Contact", "Dana Cole <dana@example.com>", "Summit Solar Installers"),
        ("Employer name - Ortiz Landscaping LLC\nGroup ID 604213", "Renewal", "Ana Ortiz <ana@example.com>", "Ortiz Landscaping LLC"),
        ("Account: Bluefin Sushi Bar\nPlease send the bill.", "Bill", "Ana Ortiz <ana@example.com>", "Bluefin Sushi Bar"),
        ("Our group is Cypress Coffee Roasters (group 558120). Please send the renewal.", "Renewal", "Ana Ortiz <ana@example.com>", "Cypress Coffee Roasters"),
        ("We need a plan change. Our group is 503318, Coastal Signs & Graphics.", "Plan", "Ana Ortiz <ana@example.com>", "Coastal Signs & Graphics"),
        ("Please send the bill.\n\nThanks,\nMarcus", "[Bluefin Sushi Bar #0117742] copy of bill", "Marcus <m@example.com>", "Bluefin Sushi Bar"),
        ("We need the renewal.\n\nHarbor Fitness Center\nGroup ID 285566", "Renewal", "Ana Ortiz <ana@example.com>", "Harbor Fitness Center"),
        ("I work at Wildflower Gift Shop and I'd like to change pharmacies.", "Pharmacy", "Tasha Greene <tasha@example.com>", "Wildflower Gift Shop"),
        ("Can you send our summary of benefits? Group # 584410\n\n- Ray", "Benefits", "Sunset Yoga Studio <billing@example.com>", "Sunset Yoga Studio"),
        ("Please update the address.\n\nThanks,\nMeredith Kline, CPA\nManaging Partner\nStillwater Dental Group\n916-555-0192", "Address", "Meredith Kline <mk@example.com>", "Stillwater Dental Group"),
        ("Our account is set up under our DBA, Copper Kettle Diner (group 6610938).", "Plan", "Priya N <priya@example.com>", "Copper Kettle Diner"),
        ("Please update our address.\n\nAnil Kapoor\nMission Street Optometry", "Address", "Anil Kapoor <akapoor@missionoptometry.test>", "Mission Street Optometry"),
    ],
)
def test_group_names_wherever_employers_put_them(body: str, subject: str, sender: str, expected: str, directory: Directory) -> None:
    assert read(directory, body, subject=subject, sender=sender)[1] == expected


@pytest.mark.parametrize(
    "body, subject, sender",
    [
        # a person's name in the subject and in a labelled line that is not the group's
        ("Please terminate coverage.\nEmployee: Daniel Okafor\nGroup number: 0377215\n\nThanks,\nPriya", "Termination - Daniel Okafor", "Priya Raman <p@example.com>"),
        ("Attached is the application for our new hire.\ngroup no. 7104432", "New hire enrollment - Samuel Greene", "Nadia Petrov <n@example.com>"),
        # the sender's own name on the line beside the ID
        ("Please send the bill.\nGroup ID 604213\nMarcus Reed", "Bill", "Marcus Reed <marcus@example.com>"),
        # a bookkeeper signs with their own firm
        ("I'm the bookkeeper for one of your small groups, group 319904. Could you review the bills?\n\nBest,\nNatalie Brooks\nBrightside Bookkeeping LLC", "Billing", "Natalie Brooks <n@example.com>"),
        # a broker's firm, even with no word about clients
        ("Please send a bill copy for group 604213.\n\nThanks,\nJoe Smith\nSmith Insurance Agency", "Bill copy", "Joe Smith <joe@example.com>"),
        # a street is not a name
        ("Please update our address to:\n\n3160 Mission Street, Suite 210\nSan Francisco, CA 94110", "Address change", "Anil Kapoor <a@example.com>"),
        # the desk's own teams
        ("I called Member Services Center about this.\n\nMember Services Center", "Question", "Ana Ortiz <ana@example.com>"),
    ],
)
def test_people_firms_streets_and_teams_are_never_the_group_name(body: str, subject: str, sender: str, directory: Directory) -> None:
    assert read(directory, body, subject=subject, sender=sender)[1] is None


def test_a_passed_over_firm_is_named_in_the_reason(directory: Directory) -> None:
    body = "I keep the books for one of your small-business groups, Grp# 880342. How can we pay again?\n\nRegards,\nRosa Castillo\nCastillo Tax & Bookkeeping"
    _, name, note = read(directory, body, sender="Rosa Castillo <r@example.com>")
    assert name is None
    assert "Castillo Tax & Bookkeeping" in note and "client" in note


def test_a_name_that_need_not_look_like_a_business_counts_when_two_places_agree(directory: Directory) -> None:
    body = "Les escribo en nombre de Tres Amigos Oaxaca, grupo 3815520. Adjunto la carta."
    assert read(directory, body, subject="Cambio de agente - Tres Amigos Oaxaca")[1] == "Tres Amigos Oaxaca"
    assert read(directory, body, subject="Cambio de agente")[1] is None  # one place alone is a guess


def test_a_mail_domain_spelled_by_the_name() -> None:
    assert spells_domain("Summit Ridge Physical Therapy", "summitridgept")
    assert spells_domain("Taller Mecánico Hernández", "tallerhernandez")
    assert not spells_domain("Tom Alvarez", "blueheronlandscaping")
    assert not spells_domain("Pacific Rim", "pa")


# --- addresses ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address, ok",
    [
        ("ana@example.com", True),
        ("tom@blueheronlandscaping.test", True),
        ("a@[127.0.0.1]", False),
        ("a..b@example.com", False),
        ('"q"@example.com', False),
        ("a@b@example.com", False),
        ("ana@localhost", False),
        ("ü@example.com", False),
        (" ana@example.com", False),
    ],
)
def test_one_address_check_for_everything(address: str, ok: bool) -> None:
    assert is_email_address(address) is ok
