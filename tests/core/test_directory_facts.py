"""Every fact in the two seed pages, as the directory records it.

The table is written from the seeds (../shared/seeds/000_… and 004_…), not
from directory.yaml, so a slip in either shows up here.
"""

from __future__ import annotations

import re
from datetime import time

import pytest
from paths import SEEDS

from routing.core.model import ContactKind, Directory, HoursKind, TimeRange

MON_FRI = ("mon", "tue", "wed", "thu", "fri")
TOLL_FREE = "+18007904661"


def weekdays(start: str, end: str) -> dict[str, list[tuple[str, str]]]:
    return {day: [(start, end)] for day in MON_FRI}


# id: (name, kind, phones [(number, display, keys)], hours, emails [(address, words in purpose)], faxes [(number, display, words in purpose)])
FACTS = {
    "small-business-representative": (
        "Small Business Representative",
        ContactKind.TEAM,
        [(TOLL_FREE, "1-800-790-4661", "")],
        weekdays("08:30", "17:00"),
        [],
        [],
    ),
    "california-service-center": (
        "California Service Center",
        ContactKind.TEAM,
        [(TOLL_FREE, "1-800-790-4661", "1"), ("+18007314661", "1-800-731-4661", "2")],
        weekdays("08:00", "17:00"),
        [("csc-sd-sba@kp.org", ["enrollment applications", "member terminations", "account changes"])],
        [("+18553555334", "1-855-355-5334", ["all other information"])],
    ),
    "client-services-unit": (
        "Client Services Unit",
        ContactKind.TEAM,
        [(TOLL_FREE, "1-800-790-4661", "2")],
        weekdays("08:30", "17:00"),
        [("csu.ca@kp.org", ["benefits", "contract", "cobra", "enrollment/renewal materials"])],
        [("+18003698010", "1-800-369-8010", ["client services unit"])],
    ),
    "account-management-support": (
        "Account Management Support Team",
        ContactKind.TEAM,
        [(TOLL_FREE, "1-800-790-4661", "3")],
        weekdays("07:00", "17:30"),
        [("amt@kp.org", ["broker of record", "contact", "group address", "plan", "renewal", "account.kp.org"])],
        [("+18003698010", "1-800-369-8010", ["account management support team"])],
    ),
    "online-self-service-help": (
        "Online Self-Service Transaction Help",
        ContactKind.HELP_LINE,
        [("+18667524737", "(866) 752-4737", "")],
        weekdays("08:00", "17:00"),
        [("csu.ca@kp.org", ["online self-service transaction help"])],
        [],
    ),
    "member-services": (
        "Member Services Center",
        ContactKind.TEAM,
        [("+18004644000", "1-800-464-4000", "")],
        "not_listed",
        [],
        [],
    ),
    "account-kp-org": ("account.kp.org (employer self-service)", ContactKind.SELF_SERVICE_SITE, [], "always", [], []),
    "kp-org": ("kp.org (for members)", ContactKind.MEMBERS_SITE, [], "always", [], []),
    "emergency": ("Emergency: call 911", ContactKind.EMERGENCY_LINE, [("911", "911", "")], "always", [], []),
}

# What each contact handles, in the seed's own words.
HANDLES = {
    "small-business-representative": ["Manage your account, renew, or change coverage"],
    "california-service-center": [
        "Billing and eligibility questions",
        "Receive copies of bills",
        "Make payment arrangements",
        "Reconcile your bill",
        "Conduct a reinstatement",
        "Schedule an A-5500 form/report request",
        "Submit enrollment applications, member terminations and account changes",
    ],
    "client-services-unit": [
        "Benefit inquiries",
        "Accessing account information on account.kp.org",
        "COBRA inquiries",
        "Contract/eligibility inquiries",
        "Enrollment/renewal materials",
    ],
    "account-management-support": [
        "Broker of record changes",
        "Contact changes",
        "Group address changes",
        "Midyear downgrade inquiries",
        "Plan changes",
        "Renewal changes",
    ],
    "online-self-service-help": ["Online self-service transaction help"],
    "member-services": ["Non-urgent questions or comments about your health plan, and feedback"],
    "kp-org": [
        "Access facility and physician locator",
        "Download guidebooks",
        "Order prescription refills",
        "Access plan and coverage information",
        "Request routine appointments",
    ],
}

# The self-service tasks seed 000 lists for account.kp.org: words in a topic title, and where it lives.
SELF_SERVICE = [
    ("Employer Identification Numbers (EIN)", "account.kp.org"),
    ("contract signer and billing contact", "account.kp.org"),
    ("quotes to compare renewal options", "account.kp.org"),
    ("Employee Enrollment Worksheets", "account.kp.org"),
    ("transaction history", "account.kp.org"),
    ("employer attestation for COBRA/Cal-COBRA", "Forms and Documents"),
    ("subscriber termination and transfer", "Forms and Documents"),
    ("pay your group's monthly bills", "Manage Members"),
    ("automatic withdrawals or email reminders", "Manage Members"),
    ("Enroll or end coverage", "Manage Members"),
    ("Order member ID cards", "Manage Members"),
    ("member roster spreadsheet", "Manage Members"),
    ("important group documents", "Manage Members"),
]


def test_the_directory_has_exactly_the_contacts_the_product_depends_on(directory: Directory):
    assert sorted(c.id for c in directory.contacts) == sorted(FACTS)


@pytest.mark.parametrize("contact_id", sorted(FACTS))
def test_name_kind_phones_and_keys(directory: Directory, contact_id: str):
    name, kind, phones, _, _, _ = FACTS[contact_id]
    contact = directory.contact(contact_id)
    assert contact.name == name
    assert contact.kind is kind
    assert [(p.number, p.display, p.keys) for p in contact.phones] == phones


@pytest.mark.parametrize("contact_id", sorted(FACTS))
def test_hours(directory: Directory, contact_id: str):
    expected = FACTS[contact_id][3]
    hours = directory.contact(contact_id).hours
    assert hours.timezone == "America/Los_Angeles"
    if isinstance(expected, str):
        assert hours.kind is HoursKind(expected)
        return
    assert hours.kind is HoursKind.WEEKLY
    for day, ranges in zip(("mon", "tue", "wed", "thu", "fri", "sat", "sun"), hours.weekly):
        wanted = [TimeRange(time.fromisoformat(s), time.fromisoformat(e)) for s, e in expected.get(day, [])]
        assert list(ranges) == wanted, day


@pytest.mark.parametrize("contact_id", sorted(FACTS))
def test_emails_and_their_purposes(directory: Directory, contact_id: str):
    expected = FACTS[contact_id][4]
    emails = directory.contact(contact_id).emails
    assert [e.address for e in emails] == [address for address, _ in expected]
    for email, (_, words) in zip(emails, expected):
        for word in words:
            assert word in email.purpose.lower(), (email.address, word)


@pytest.mark.parametrize("contact_id", sorted(FACTS))
def test_faxes_and_their_purposes(directory: Directory, contact_id: str):
    expected = FACTS[contact_id][5]
    faxes = directory.contact(contact_id).faxes
    assert [(f.number, f.display) for f in faxes] == [(number, display) for number, display, _ in expected]
    for fax, (_, _, words) in zip(faxes, expected):
        for word in words:
            assert word in fax.purpose.lower(), (fax.display, word)


@pytest.mark.parametrize("contact_id", sorted(HANDLES))
def test_what_each_contact_handles(directory: Directory, contact_id: str):
    titles = [t.title for t in directory.contact(contact_id).topics]
    for title in HANDLES[contact_id]:
        assert title in titles


@pytest.mark.parametrize(("words", "where"), SELF_SERVICE)
def test_self_service_tasks_of_account_kp_org(directory: Directory, words: str, where: str):
    topics = [t for t in directory.contact("account-kp-org").topics if words in t.title]
    assert len(topics) == 1, words
    assert topics[0].where == where


def test_amt_mail_asks_for_group_name_and_id(directory: Directory):
    # Seed 000: "email … amt@kp.org and include your group name and ID".
    (email,) = directory.contact("account-management-support").emails
    assert email.include == ("group name", "group ID")
    # No other listing asks for them, so no other email carries the advice.
    others = [e.address for c in directory.contacts for e in c.emails if e.include and e.address != "amt@kp.org"]
    assert others == []


def test_links_of_the_two_sites(directory: Directory):
    assert directory.contact("account-kp-org").url == "https://account.kp.org"
    assert directory.contact("kp-org").url == "https://kp.org"
    titles = [link.title for link in directory.contact("account-kp-org").links]
    assert {"Manage Members", "Forms and Documents", "Manage Accounts"} <= set(titles)


def test_member_services_hours_are_not_listed_and_it_is_never_the_emergency_route(directory: Directory):
    assert directory.contact("member-services").hours.kind is HoursKind.NOT_LISTED
    safety = [r for r in directory.rules if r.safety]
    assert safety and all(r.route == "emergency" for r in safety)


def test_key_presses_on_the_toll_free_line_lead_to_one_team_each(directory: Directory):
    keys = [(p.keys, c.id) for c in directory.contacts for p in c.phones if p.number == TOLL_FREE and p.keys]
    assert sorted(keys) == [("1", "california-service-center"), ("2", "client-services-unit"), ("3", "account-management-support")]


def test_nothing_is_invented(directory: Directory):
    # Every phone, fax and email address the directory gives appears in a seed (911 is the product's own).
    if not SEEDS.is_dir():
        pytest.skip(f"the seed pages are not at {SEEDS} in this checkout")
    seeds = " ".join(p.read_text() for p in sorted(SEEDS.glob("*.txt")))
    for contact in directory.contacts:
        for phone in contact.phones:
            if phone.number != "911":
                assert phone.display in seeds, phone.display
        for fax in contact.faxes:
            assert fax.display in seeds, fax.display
        for email in contact.emails:
            assert email.address in seeds, email.address


def test_the_holiday_calendar_is_a_stated_configurable_default(directory: Directory):
    assert "configurable default" in directory.holidays.note.lower()
    names = {rule.name for rule in directory.holidays.rules}
    assert {"New Year's Day", "Independence Day", "Thanksgiving Day", "Christmas Day"} <= names


@pytest.mark.parametrize("typed", ["604213", "772301-0001", "12345", "12345678"])
def test_group_id_pattern_accepts(directory: Directory, typed: str):
    assert re.fullmatch(directory.group_id.pattern, typed)


@pytest.mark.parametrize("typed", ["", "1234", "123456789", "abc123", "604213-1", "604213-00001", "60 4213", "604213-", "-0001"])
def test_group_id_pattern_rejects(directory: Directory, typed: str):
    assert not re.fullmatch(directory.group_id.pattern, typed)
