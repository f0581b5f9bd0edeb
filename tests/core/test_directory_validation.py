"""A bad directory is refused with every problem at file:line, in a sentence that says what to fix.

Each file in tests/bad_directories breaks one small, otherwise valid
directory in one way; the table says the line and words it must produce.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from paths import BAD

from routing.core.directory import DirectoryError, load, loads
from routing.settings import ROOT

EXPECTED: dict[str, tuple[int, str]] = {
    "yaml_syntax.yaml": (17, "YAML syntax error: mapping values are not allowed here"),
    "unknown_key.yaml": (23, "unknown key 'email'"),
    "bad_phone.yaml": (21, "phone number '800-790-4661' is not in E.164 form"),
    "bad_email.yaml": (23, "'billing(at)example.org' is not an email address"),
    "malformed_hour_range.yaml": (19, "'8am' is not a time of day; write 24-hour time"),
    "overlapping_ranges.yaml": (19, "hour ranges overlap on Mon"),
    "invalid_timezone.yaml": (3, "'Pacific Time' is not a time zone"),
    "same_key_twice.yaml": (34, "key 1 on 1-800-790-4661 is already used by 'billing-team'"),
    "rule_unknown_contact.yaml": (41, "names contact 'payments-team', which is not in the directory"),
    "rule_unknown_kind.yaml": (41, "prefer names kind 'teams'; use one of: team, help_line"),
    "unparseable_holiday.yaml": (12, "holiday 'Thanksgiving Day': nth should be 1 to 5"),
    "duplicate_contact_id.yaml": (28, "contact id 'billing-team' is used twice"),
    "same_yaml_key_twice.yaml": (18, "'summary' is given twice"),
}


def test_every_bad_directory_has_an_expected_message():
    assert sorted(p.name for p in BAD.glob("*.yaml")) == sorted(EXPECTED)


@pytest.mark.parametrize(("name", "line", "words"), [(n, line, w) for n, (line, w) in EXPECTED.items()])
def test_bad_directory_is_refused_at_file_and_line(name, line, words):
    path = BAD / name
    with pytest.raises(DirectoryError) as refused:
        load(path)
    found = [(p.file, p.line, p.message) for p in refused.value.problems]
    assert any(file == str(path) and at == line and words in message for file, at, message in found), found
    for _, _, message in found:
        assert message.endswith("."), message  # a sentence, not a fragment


def test_the_unbroken_small_directory_loads():
    # Each bad file is the same small directory with one thing broken, so the
    # good original must load; otherwise the table above tests the wrong thing.
    good = (BAD / "duplicate_contact_id.yaml").read_text().replace("  - id: billing-team\n    name: The website", "  - id: website\n    name: The website")
    directory = loads(good, "good.yaml")
    assert [c.id for c in directory.contacts] == ["billing-team", "website"]


def test_every_problem_is_reported_not_just_the_first():
    text = (BAD / "bad_email.yaml").read_text().replace('"+18553555334"', '"1-855-FAX"')
    with pytest.raises(DirectoryError) as refused:
        loads(text, "two.yaml")
    lines = {p.line for p in refused.value.problems}
    assert {23, 25} <= lines


def test_a_missing_file_is_a_problem_not_a_crash(tmp_path):
    with pytest.raises(DirectoryError) as refused:
        load(tmp_path / "nowhere.yaml")
    (problem,) = refused.value.problems
    assert problem.file.endswith("nowhere.yaml") and "cannot read the directory file" in problem.message


def test_the_real_directory_is_valid():
    assert load(ROOT / "directory.yaml").contacts


def check(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "routing", "check", *args], cwd=ROOT, capture_output=True, text=True, timeout=60
    )


def test_check_command_on_a_good_file_prints_one_summary_line():
    result = check("directory.yaml")
    assert result.returncode == 0, result.stderr
    (line,) = result.stdout.splitlines()
    assert line.startswith("directory.yaml: OK — 9 contacts, ")
    assert "holidays (version " in line
    assert result.stderr == ""


def test_check_command_on_a_bad_file_prints_each_problem_and_exits_1():
    path = BAD / "overlapping_ranges.yaml"
    result = check(str(path))
    assert result.returncode == 1
    assert result.stdout == ""
    assert f"{path}:19: hour ranges overlap on Mon" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_check_command_never_shows_a_traceback(name):
    path = BAD / name
    result = check(str(path))
    line, words = EXPECTED[name]
    assert result.returncode == 1
    assert f"{path}:{line}: " in result.stderr and words in result.stderr
    assert "Traceback" not in result.stderr


def test_check_command_on_a_missing_file(tmp_path):
    result = check(str(tmp_path / "nowhere.yaml"))
    assert result.returncode == 1
    assert "nowhere.yaml:1: cannot read the directory file" in result.stderr
    assert "Traceback" not in result.stderr


def _with_examples(block: str) -> str:
    good = (BAD / "duplicate_contact_id.yaml").read_text().replace("  - id: billing-team\n    name: The website", "  - id: website\n    name: The website")
    return good.rstrip("\n") + "\n" + block


def test_examples_belong_to_a_contact_or_to_off_topic():
    directory = loads(_with_examples('examples:\n  billing-team: ["why is our bill so high"]\n  off-topic: ["best bank for a checking account"]\n'), "good.yaml")
    assert [(e.contact_id, e.text) for e in directory.examples] == [
        ("billing-team", "why is our bill so high"),
        ("off-topic", "best bank for a checking account"),
    ]
    with pytest.raises(DirectoryError) as refused:
        loads(_with_examples('examples:\n  payments-team: ["why is our bill so high"]\n'), "bad.yaml")
    assert any("'payments-team', which is not a contact id" in p.message for p in refused.value.problems)


def test_one_example_cannot_have_two_answers():
    with pytest.raises(DirectoryError) as refused:
        loads(_with_examples('examples:\n  billing-team: ["Why is our bill so high?"]\n  website: ["why is our  bill so high?"]\n'), "bad.yaml")
    assert any("also listed under 'billing-team'" in p.message for p in refused.value.problems)


def test_the_emergency_line_has_no_examples():
    # An example's answer carries no safety notice and no 911 sentence on the phone; only the safety rules may send a caller to 911.
    real = (ROOT / "directory.yaml").read_text()
    assert "\nexamples:\n" in real
    with pytest.raises(DirectoryError) as refused:
        loads(real.replace("\nexamples:\n", '\nexamples:\n  emergency: ["my cook collapsed in the walk-in"]\n', 1), "bad.yaml")
    assert any("'emergency' is the emergency line" in p.message for p in refused.value.problems)


def test_another_domains_phrase_that_a_synonym_rewrites_is_refused():
    # "plumber" listed as a trade under `employee` reads as "employee": as a repairs phrase it once set aside
    # every question that said "employee" as not the plan's.
    real = (ROOT / "directory.yaml").read_text()
    assert '"handyman",' in real and '"plumber"' in real
    with pytest.raises(DirectoryError) as refused:
        loads(real.replace('"handyman",', '"handyman", "plumber",', 1), "bad.yaml")
    assert any("'plumber' is also a synonym of 'employee'" in p.message for p in refused.value.problems)


def test_a_rule_cancelled_by_its_own_phrase_under_a_synonym_is_refused():
    # "refill" and "pills" both read as "prescription": a rule needing "pills" and cancelled by "refill" never matched.
    real = (ROOT / "directory.yaml").read_text()
    needle = '"as prescribed", "ran out", "needs a refill"'
    assert needle in real
    with pytest.raises(DirectoryError) as refused:
        loads(real.replace(needle, '"as prescribed", "ran out", "refill"', 1), "bad.yaml")
    assert any("rule 'took-all-the-pills': unless 'refill' reads as 'prescription'" in p.message for p in refused.value.problems)


def test_two_concept_groups_that_share_a_meaning_under_a_synonym_are_refused():
    # "our broker" and "new broker" both read as "broker of record": with one in each group, "our broker wants a
    # list of everyone on the plan" matched the new-agent rule on the one phrase.
    real = (ROOT / "directory.yaml").read_text()
    needle = '        - ["fired", "hired", "new one",'
    assert needle in real
    with pytest.raises(DirectoryError) as refused:
        loads(real.replace(needle, '        - ["fired", "hired", "new broker", "new one",', 1), "bad.yaml")
    assert any("rule 'a-new-agent-or-broker': 'new broker' reads as 'broker of record'" in p.message for p in refused.value.problems)
    # The agent group's own first phrase, listed in the second group too: "our agent" alone would still count for both.
    with pytest.raises(DirectoryError) as refused:
        loads(real.replace(needle, '        - ["fired", "hired", "insurance agent", "new one",', 1), "bad.yaml")
    assert any("rule 'a-new-agent-or-broker': 'insurance agent' reads as 'broker of record'" in p.message for p in refused.value.problems)
    # The same phrase in both groups is meant ("reconcile" alone is enough), and the real file loads.
    assert any(r.id == "bill-does-not-match-staff" and "reconcile" in r.when.concepts[1] for r in loads(real, "directory.yaml").rules)


def test_signs_needed_must_be_a_count_of_the_sign_groups():
    real = (ROOT / "directory.yaml").read_text()
    assert real.count("      signs_needed: 2\n") == 1
    for wrong in ("0", "99", "two", "true"):
        with pytest.raises(DirectoryError) as refused:
            loads(real.replace("      signs_needed: 2\n", f"      signs_needed: {wrong}\n", 1), "bad.yaml")
        assert any("signs_needed should be a whole number from 1 to" in p.message for p in refused.value.problems), wrong
