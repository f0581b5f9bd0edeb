"""Staff accounts, who a session belongs to, the audit trail and the list's search: on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from routing.store.audit import ASKED, CORRECTED, FORWARDED, AuditTrail
from routing.store.database import migrate, version_of
from routing.store.staff_accounts import BOOTSTRAP, StaffAccounts, name_problem, password_problem
from routing.store.staff_sessions import StaffSessions
from routing.store.triage_log import TriageLog
from routing.store.triage_search import Filters, find

Opener = Callable[..., Any]
PASSWORD = "correct horse battery"


# --- accounts ------------------------------------------------------------------------------------


def test_an_account_signs_in_with_its_own_password_and_the_hash_is_argon2(open_store: Opener) -> None:
    accounts = open_store(StaffAccounts)
    assert not accounts.exist()
    assert accounts.add("Maria.Ortiz", PASSWORD, now=1000.0)
    assert accounts.exist()
    other = open_store(StaffAccounts)  # another process sees it
    found = other.verify("maria.ortiz", PASSWORD)  # any case
    assert found is not None and found.name == "Maria.Ortiz" and found.created_at == 1000.0
    assert other.verify("maria.ortiz", PASSWORD + "x") is None
    assert other.verify("nobody", PASSWORD) is None
    stored = other.engine.run("SELECT password_hash FROM staff_accounts").rows[0]["password_hash"]
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_one_account_per_name_in_any_case_and_a_new_password_replaces_the_old(open_store: Opener) -> None:
    accounts = open_store(StaffAccounts)
    assert accounts.add("sam", PASSWORD)
    assert not accounts.add("SAM", "another password here")
    assert accounts.set_password("Sam", "a brand new password", now=2000.0)
    assert accounts.verify("sam", PASSWORD) is None
    account = accounts.verify("sam", "a brand new password")
    assert account is not None and account.password_changed_at == 2000.0
    assert not accounts.set_password("nobody", "a brand new password")
    assert [a.name for a in accounts.all()] == ["sam"]
    assert accounts.remove("SAM") and not accounts.remove("sam")
    assert accounts.all() == [] and not accounts.exist()


@pytest.mark.parametrize("name", ["", "-dash", "has space", "x" * 41, "bootstrap", "Bootstrap", "ana@example.net"])
def test_names_that_cannot_be_accounts_say_why(name: str) -> None:
    assert name_problem(name)


def test_good_names_and_passwords_pass_and_short_passwords_do_not() -> None:
    assert name_problem("maria.ortiz") == name_problem("Sam_2") == ""
    assert "at least 10" in password_problem("short")
    assert password_problem("ten chars!") == ""


# --- sessions --------------------------------------------------------------------------------------


def test_a_session_says_who_signed_in_and_ending_one_persons_sessions_leaves_the_others(open_store: Opener) -> None:
    sessions = open_store(StaffSessions, "shared", "secret")
    maria, sam, shared = sessions.open("maria"), sessions.open("sam"), sessions.open()
    other = open_store(StaffSessions, "shared", "secret")
    assert (other.who(maria), other.who(sam), other.who(shared)) == ("maria", "sam", BOOTSTRAP)
    assert other.end_for("MARIA") == 1
    assert other.who(maria) is None and other.who(sam) == "sam"
    assert other.who("not a token") is None and other.who("") is None


def test_a_new_staff_password_ends_bootstrap_sessions_but_not_named_ones(open_store: Opener) -> None:
    sessions = open_store(StaffSessions, "shared", "secret")
    named, shared = sessions.open("maria"), sessions.open(BOOTSTRAP)
    changed = open_store(StaffSessions, "a new shared password", "secret")
    assert changed.who(shared) is None
    assert changed.who(named) == "maria"


def test_a_session_ends_after_the_working_day(open_store: Opener) -> None:
    sessions = open_store(StaffSessions, "shared", "secret")
    token = sessions.open("maria", now=1000.0)
    assert sessions.who(token, now=1000.0 + 11 * 3600) == "maria"
    assert sessions.who(token, now=1000.0 + 12 * 3600) is None


def test_sessions_from_before_named_accounts_are_the_shared_passwords(open_store: Opener) -> None:
    first = open_store(TriageLog)  # any store, for an engine of this test's kind
    engine = first.engine
    migrate(engine, StaffSessions.name, StaffSessions.migrations[:1])
    from routing.store.staff_sessions import _digest, _fingerprint

    engine.run(
        "INSERT INTO staff_sessions (digest, password, created_at, expires_at) VALUES (?, ?, ?, ?)",
        (_digest("old-token"), _fingerprint("shared", "secret"), 1.0, 4e9),
    )
    sessions = StaffSessions(engine, "shared", "secret")
    assert version_of(engine, StaffSessions.name) == 2
    assert sessions.who("old-token") == BOOTSTRAP


# --- audit trail -----------------------------------------------------------------------------------


def test_the_audit_trail_keeps_who_did_what_to_which_email_in_order(open_store: Opener) -> None:
    trail = open_store(AuditTrail)
    assert trail.record("maria", CORRECTED, "TR-AAAA0001", "the group ID to 604213", now=10.0)
    assert trail.record("sam", FORWARDED, "TR-AAAA0001", "to Account Management Support Team (amt@kp.org)", "FW-1", now=20.0)
    assert trail.record("sam", ASKED, "TR-BBBB0002", "to ana@example.net", "FW-2", now=30.0)
    other = open_store(AuditTrail)
    history = other.for_message("TR-AAAA0001")
    assert [(e.actor, e.action, e.at) for e in history] == [("maria", CORRECTED, 10.0), ("sam", FORWARDED, 20.0)]
    assert history[1].detail.startswith("to Account Management") and history[1].ref == "FW-1"
    assert [e.message for e in other.recent()] == ["TR-BBBB0002", "TR-AAAA0001", "TR-AAAA0001"]
    assert [e.action for e in other.recent(actor="SAM")] == [ASKED, FORWARDED]
    assert len(other.recent(limit=1)) == 1
    last = other.last("TR-AAAA0001", FORWARDED)
    assert last is not None and last.actor == "sam"
    assert other.last("TR-BBBB0002", FORWARDED) is None


def test_one_outbox_reference_is_recorded_once_however_often_the_action_is_retried(open_store: Opener) -> None:
    trail, again = open_store(AuditTrail), open_store(AuditTrail)
    assert trail.record("sam", FORWARDED, "TR-AAAA0001", "to x", "FW-1")
    assert not again.record("sam", FORWARDED, "TR-AAAA0001", "to x", "FW-1")
    # Actions without a reference (corrections) are each kept.
    assert trail.record("sam", CORRECTED, "TR-AAAA0001") and again.record("sam", CORRECTED, "TR-AAAA0001")
    assert [e.action for e in trail.for_message("TR-AAAA0001")] == [FORWARDED, CORRECTED, CORRECTED]
    with pytest.raises(ValueError):
        trail.record("sam", "deleted", "TR-AAAA0001")


# --- the list's search and pages ---------------------------------------------------------------------


def _fill(log: TriageLog, count: int) -> list[str]:
    """``count`` emails, one a second, alternating teams; returns their references, oldest first."""
    ids = []
    for n in range(count):
        team = "account-management-support" if n % 2 else "client-services-unit"
        result = {
            "from": f"owner{n}@{'bakery' if n % 3 == 0 else 'garage'}.example", "subject": f"Email {n}", "action": "forward",
            "group_id": f"60{n:04d}", "contact": {"id": team, "name": team},
        }
        record, _ = log.add(f"Subject: Email {n}\n\nbody {n}".encode(), result, "api", now=1_000.0 + n)
        ids.append(record.id)
    return ids


def test_pages_are_newest_first_without_gaps_or_repeats_both_ways(open_store: Opener) -> None:
    log = open_store(TriageLog)
    ids = _fill(log, 7)
    newest_first = list(reversed(ids))
    page1 = find(log, Filters(), size=3)
    assert [r.id for r in page1.records] == newest_first[:3]
    assert (page1.total, page1.first, page1.newer, page1.older) == (7, 1, "", newest_first[2])
    page2 = find(log, Filters(), older_than=page1.older, size=3)
    assert [r.id for r in page2.records] == newest_first[3:6] and page2.first == 4
    page3 = find(log, Filters(), older_than=page2.older, size=3)
    assert [r.id for r in page3.records] == newest_first[6:] and page3.older == "" and page3.first == 7
    back = find(log, Filters(), newer_than=page3.newer, size=3)
    assert [r.id for r in back.records] == newest_first[3:6]
    # A new email arriving while staff read page 2 does not shift what page 3 holds.
    log.add(b"Subject: late\n\nnew", {"from": "late@example.test", "action": "forward"}, "api", now=2_000.0)
    assert [r.id for r in find(log, Filters(), older_than=page2.older, size=3).records] == newest_first[6:]
    # An unknown cursor is the first page, not an error.
    assert find(log, Filters(), older_than="TR-NOSUCH00", size=3).first == 1


def test_same_second_arrivals_keep_one_order(open_store: Opener) -> None:
    log = open_store(TriageLog)
    for n in range(5):
        log.add(f"Subject: {n}\n\nsame second".encode(), {"from": "a@example.test", "action": "forward"}, "api", now=5_000.0)
    seen = []
    cursor = ""
    while True:
        page = find(log, Filters(), older_than=cursor, size=2)
        seen += [r.id for r in page.records]
        if not page.older:
            break
        cursor = page.older
    assert seen == sorted(seen, reverse=True) and len(set(seen)) == 5


def test_filters_by_group_id_sender_team_and_status_combine(open_store: Opener) -> None:
    log = open_store(TriageLog)
    ids = _fill(log, 9)
    log.mark(ids[4], "forwarded", "FW-X")

    def subjects(**filters: str) -> list[str]:
        return [r.subject for r in find(log, Filters(**filters)).records]

    assert subjects(group_id="600004") == ["Email 4"]
    assert subjects(group_id="0000") == [f"Email {n}" for n in range(8, -1, -1)]  # part of the ID
    assert subjects(sender="BAKERY") == ["Email 6", "Email 3", "Email 0"]
    assert subjects(team="account-management-support") == ["Email 7", "Email 5", "Email 3", "Email 1"]
    assert subjects(team="account-management-support", sender="bakery") == ["Email 3"]
    assert subjects(status="forwarded") == ["Email 4"]
    assert subjects(sender="%") == [] and subjects(sender="_") == []  # typed text, never a LIKE pattern
    found = find(log, Filters(team="client-services-unit"))
    assert found.total == 5 and found.older == ""
