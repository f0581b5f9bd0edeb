"""Matching a reply to the desk's ask, and reading a thread's group fields together (pure)."""

from __future__ import annotations

from routing.core.conversation import Given, ask_reference, combine, message_ids, subject_reference, tagged, without_tag
from routing.present.email import message_id


def test_the_asks_message_id_and_subject_tag_carry_its_reference() -> None:
    assert ask_reference(message_id("FW-7K3M9QZX", "Help desk <help@desk.example>", "ask")) == "FW-7K3M9QZX"
    assert ask_reference(message_id("FW-7K3M9QZX", "help@desk.example", "forward")) == ""  # a forward is not an ask
    assert ask_reference("<CANj3ns0@example.net>") == ""
    subject = tagged("Re: COBRA for employee going part-time", "FW-7K3M9QZX")
    assert subject == "Re: COBRA for employee going part-time [Ref FW-7K3M9QZX]"
    assert subject_reference("RE: Re: " + subject) == "FW-7K3M9QZX"
    assert without_tag("RE: " + subject) == "RE: Re: COBRA for employee going part-time"
    assert tagged(subject, "FW-7K3M9QZX") == subject  # asked again: one tag, not two
    assert tagged(subject, "FW-0000000A").endswith("[Ref FW-0000000A]") and subject.count("[Ref") == 1
    assert subject_reference("Invoice [Ref FW-ILLEGAL1]") == ""  # not our alphabet


def test_message_ids_come_replied_to_first_then_newest_and_are_bounded() -> None:
    assert message_ids("<c@x>", "<a@x> <b@x> <c@x>") == ["<c@x>", "<b@x>", "<a@x>"]
    assert len(message_ids("", " ".join(f"<{n}@x>" for n in range(5000)))) == 50


def test_a_thread_combines_fields_staff_first_and_a_conflict_is_never_guessed() -> None:
    emails = [Given("TR-1", {"group_id": None, "group_name": "Lakeside Florist"}), Given("TR-2", {"group_id": "604213", "group_name": None})]
    known = combine({}, emails)
    assert known.values == {"group_id": "604213", "group_name": "Lakeside Florist"} and known.sources == {"group_id": "TR-2", "group_name": "TR-1"}
    assert known.missing() == () and known.conflicts == ()
    clash = combine({}, [*emails, Given("TR-3", {"group_id": "771100", "group_name": "lakeside  florist"})])
    assert "group_id" not in clash.values and clash.values["group_name"] == "Lakeside Florist"
    assert clash.conflicts == ("The emails of this conversation give different group IDs: “604213” (TR-2) and “771100” (TR-3).",)
    assert combine({"group_id": "555555"}, emails + [Given("TR-3", {"group_id": "771100"})]).values["group_id"] == "555555"
