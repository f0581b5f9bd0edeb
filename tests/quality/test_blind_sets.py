"""Routing quality on question sets written blind (by writers who saw only the two source pages, never the code).

dev_a and dev_b (640 questions) are tuned on; so is dev_c (160 hard ones: indirect situations, near-miss
off-topic questions, traps, Spanish and two needs), written blind and scored 95/160 before its round of
tuning. dev_d1 and dev_d2 (200 each, weighted to indirect wording, traps, off-topic and Spanish) scored 81.5% and
87.0% before theirs. test_fresh (180), test_fresh2 (150), test_fresh3 and test_fresh4 (170 each), test_fresh5 to test_fresh17 (150 each) are held out and never tuned on. Each prints its accuracy by voice, emergency recall, false
emergencies and off-topic flagging (run with -s to read them). The floors are
what the router reaches today, so a change that makes it worse fails here.

The development sets' questions are also the directory's examples; each set is scored with its own questions
taken out of them, so its score says how the router does on questions like it that it has not seen.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml
from paths import DATA

from routing.core.directory import load
from routing.settings import ROOT
from routing.store.search_index import SearchIndex, open_index

sys.path.insert(0, str(ROOT / "tools"))
from score_routing import Score, score, without_own

BLIND = DATA / "blind"
# set name → (lowest top-1 accuracy, lowest share of off-topic questions flagged)
# The held-out set's floor guards against regressions only; nobody tunes on its misses.
FLOORS = {
    "dev_a.yaml": (0.99, 0.95),  # 318/320 = 99.4%, flagged 32/33 (2026-12-03, issue 12 understanding work)
    "dev_b.yaml": (0.97, 0.95),  # 315/320 = 98.4%, flagged 25/26 (after the dev_c situations)
    # 95/160 = 59.4% (21/30 flagged) blind; 160/160, flagged 29/30 after tuning on it (2026-12-03, issue 12).
    "dev_c.yaml": (0.98, 0.95),
    # 163/200 = 81.5% and 174/200 = 87.0% (16/22 flagged each) blind; after the emergency-sign and domain-check work:
    # 177/200 = 88.5% and 185/200 = 92.5%, 22/22 flagged each (2026-12-03, issue 12, branch w-t1).
    "dev_d1.yaml": (0.98, 0.95),  # 199/200 after both rounds of tuning on it
    "dev_d2.yaml": (0.98, 0.95),  # 200/200 after tuning
    # 202/220 = 91.8%, 27/35 flagged, emergency recall 21/22, before its tuning (2026-12-03, third session);
    # 210/220, 35/35 flagged, 22/22 after it.
    "dev_d4.yaml": (0.95, 0.95),
    # 195/220 = 88.6%, 31/40 flagged, emergency recall 21/22 and 2 false emergencies, blind (2026-12-03, third
    # session); 205/220, 38/40 flagged, every emergency and no false one after its tuning.
    "dev_d3.yaml": (0.92, 0.90),
    # 201/240 = 83.8%, 33/50 flagged, one false emergency, blind (2026-12-04, fourth session); 220/240 = 91.7%,
    # 47/50 flagged, no false emergency after its tuning round (other health plans, payroll and supplier names);
    # 223/240 after the fifth session's hours cues (a team named bare, "in the morning", "phones open", the member line).
    "dev_d5.yaml": (0.91, 0.92),
    # 206/240 = 85.8%, 34/50 flagged, recall 19/20 and one false emergency, blind (2026-12-04, sixth session);
    # 227/240 = 94.6%, 45/50 flagged, every emergency and no false one after its round (office equipment and
    # cards as other domains, plan-naming words read as said, heat illness, a member's own bill for care).
    # (Its writer gave single alternatives as bare strings; until those became lists they were read letter by
    # letter and the set was under-scored as 188 and 209.) Several remaining misses are the writer's reading of
    # the pages (a login problem is for the Client Services Unit), where the other writers chose otherwise.
    "dev_d6.yaml": (0.93, 0.88),
    # Four new sets by new writers (2026-12-04, seventh session), tuned on. dev_d7 (240, every voice): 195/240 =
    # 81.2%, 29/52 flagged, recall 17/21 and one false emergency, blind; 221/240 = 92.1%, 43/52 flagged, 21/21,
    # none false after. dev_d8 (120: 70 emergencies, 50 traps): 86/120, recall 51/70, 3 false emergencies, 5/10
    # flagged, blind; 113/120, 70/70, none false, 10/10 after. dev_d9 (160: 90 near-miss off-topic, 70 indirect):
    # 117/160, 62/90 flagged, blind; 148/160, 85/90 after. dev_d10 (200, weighted to indirect and phone speech):
    # 159/200 = 79.5%, 33/41 flagged, one false emergency, blind; 180/200 = 90.0%, 39/41, none false after.
    "dev_d7.yaml": (0.91, 0.82),
    "dev_d8.yaml": (0.94, 0.95),
    "dev_d9.yaml": (0.92, 0.94),
    "dev_d10.yaml": (0.88, 0.95),
    # dev_d11 (200, by a new writer, eighth session: 70 indirect, 40 near-miss off-topic, 30 traps): 156/200 =
    # 78.0%, 26/40 flagged, recall 5/5 and 2 false emergencies, blind; 178/200 = 89.0%, 39/40, 5/5, none false
    # after its first round (a business, a job or a thing set aside; a synonym never swallows another domain's
    # thing; sentences weighed before a count of plan words; a website that hangs or shows nothing), 182/200 after
    # its second. dev_d12 (200, by another new writer: 50 typo, 50 indirect, 30 messy email, 30 phone, 20 trap,
    # 20 off-topic): 176/200 = 88.0%, 16/20 flagged when added mid-session; 183/200 = 91.5%, 19/20 after its round
    # (signatures left out, two words typed as one, an employee's own question, care "included").
    "dev_d11.yaml": (0.90, 0.95),
    "dev_d12.yaml": (0.90, 0.90),
    # dev_d13 (200, by a new writer, ninth session: 70 indirect, 40 near-miss off-topic, 30 traps, 20 phone, 15 two
    # needs, 15 Spanish, 10 emergencies): 168/200 = 84.0%, 37/40 flagged, recall 9/10, 2 false emergencies, blind.
    "dev_d13.yaml": (0.86, 0.90),
    # dev_d14 (200, by another new writer: 90 indirect, 40 off-topic, 30 traps, 20 phone, 20 email): 167/200 =
    # 83.5%, 34/40 flagged, blind (before the examples); 168/200 answered from the other sets' examples.
    "dev_d14.yaml": (0.83, 0.82),
    "test_fresh.yaml": (0.85, 0.55),
    # Written 2026-12-03 before this round of tuning (137/150 = 91.3%, 15/16 off-topic flagged); never tuned on.
    "test_fresh2.yaml": (0.90, 0.85),
    # Written 2026-12-03 (second session) before that session's tuning: 150/170 = 88.2%, 16/20 off-topic flagged.
    "test_fresh3.yaml": (0.85, 0.65),
    # A fourth, by another writer, the same day and before the same tuning: 147/170 = 86.5%, 16/20 flagged.
    "test_fresh4.yaml": (0.85, 0.75),
    # A fifth, by a new writer, the third session's start and before its tuning: 139/150 = 92.7%, 14/18 flagged,
    # emergency recall 12/12, no false emergency.
    "test_fresh5.yaml": (0.90, 0.75),
    # A sixth, by a new writer during the fourth session: 141/150 = 94.0%, 13/18 flagged at that session's start
    # (commit 7779004), 143/150 = 95.3%, 15/18 flagged, recall 12/12 and no false emergency at its end.
    "test_fresh6.yaml": (0.92, 0.75),
    # A seventh, by a new writer, scored once when added (2026-12-04, fifth session): 138/150 = 92.0%, 14/18 flagged
    # at commit 7779004 (the fourth session's start); 141/150 = 94.0%, 17/18 flagged, recall 12/12, no false
    # emergency at e150701. Summary only: its misses are not read.
    "test_fresh7.yaml": (0.92, 0.85),
    # An eighth, by a new writer, scored when added (2026-12-04, sixth session) before that session's tuning:
    # 137/150 = 91.3%, 14/18 flagged, emergency recall 9/10, no false emergency at e5e9f5e. Summary only.
    "test_fresh8.yaml": (0.90, 0.75),
    # A ninth, by a new writer, scored when added (2026-12-04, seventh session) before that session's tuning:
    # 141/150 = 94.0%, 16/18 flagged, emergency recall 9/10, no false emergency at 0013934. Summary only.
    "test_fresh9.yaml": (0.92, 0.80),
    # A tenth, by a new writer during the seventh session, scored twice, summary only: 135/150 = 90.0%, 15/20
    # flagged, recall 11/12, one false emergency with the session's starting code (0013934); 139/150 = 92.7%,
    # 19/20 flagged, 12/12, one false emergency at its end.
    "test_fresh10.yaml": (0.91, 0.90),
    # An eleventh, by a new writer, scored when added (2026-12-04, eighth session) before that session's tuning:
    # 142/150 = 94.7%, 19/20 flagged, recall 12/12, no false emergency at b36345a; 144/150 = 96.0%, 20/20, 12/12 at
    # the session's end. Summary only.
    "test_fresh11.yaml": (0.93, 0.90),
    # A twelfth, by a new writer at the end of the eighth session, scored twice, summary only: 137/150 = 91.3%, 14/20
    # flagged, recall 11/12 with the session's starting code (b36345a, in a worktree); 138/150 = 92.0%, 14/20, 12/12
    # with its final code.
    "test_fresh12.yaml": (0.90, 0.65),
    # A thirteenth, by a new writer at the start of the ninth session (2026-12-04), before its tuning: 139/150 =
    # 92.7%, 18/20 flagged, recall 11/12, no false emergency at a98a246's decisions; 142/150 = 94.7%, 18/20, 11/12,
    # none false at the session's end (with the examples). Summary only.
    "test_fresh13.yaml": (0.92, 0.85),
    # A fourteenth, by a new writer at the start of the eleventh session (2026-12-07): 135/150 = 90.0%, 20/20
    # flagged, recall 12/12, no false emergency at 8d377c1 (scored in a worktree with the three questions a dev
    # writer also wrote taken out of the examples); summary only, never tuned on.
    "test_fresh14.yaml": (0.90, 0.90),
    # Three dev sets by new writers (eleventh session), tuned on. dev_d15 (200: 80 indirect, 30 phone, 25
    # emergencies, 25 traps): 180/200 = 90.0%, recall 24/25, blind; 188/200, 25/25 after. dev_d16 (200: 70
    # indirect, 35 traps, 30 near-miss off-topic): 153/200 = 76.5%, 22/30 flagged, 4 false emergencies, blind;
    # 182/200, 29/30, none false after. dev_d17 (200: 70 messy pasted emails, 70 indirect, 30 phone, 30 typo):
    # 161/200 = 80.5% blind; 177/200 after.
    "dev_d15.yaml": (0.92, 0.95),
    "dev_d16.yaml": (0.89, 0.93),
    "dev_d17.yaml": (0.86, 0.0),
    # A fifteenth held-out set, by a new writer at the start of the twelfth session (2026-12-07), scored once before
    # any tuning: 145/150 = 96.7%, 20/20 flagged, recall 11/12, no false emergency at ef9a82a; 146/150 = 97.3%,
    # 20/20, 12/12, none false at the session's end. Summary only.
    "test_fresh15.yaml": (0.94, 0.90),
    # Two dev sets by new writers (twelfth session), tuned on. dev_d18 (200: 70 indirect, 25 emergencies, 25 traps,
    # 25 off-topic, 20 phone, 20 email, 15 two needs): 163/200 = 81.5%, recall 20/25, one false emergency, 20/25
    # flagged, blind; dev_d19 (200: 60 indirect, 25 traps, 25 off-topic, 20 emergencies, 20 Spanish, ...): 174/200 =
    # 87.0%, recall 17/20, two false emergencies, blind.
    "dev_d18.yaml": (0.86, 0.90),
    "dev_d19.yaml": (0.90, 0.95),
    # dev_d20 (160: 80 emergencies in every voice, 50 traps, 30 near-miss off-topic), by a new writer: 122/160 =
    # 76.2%, recall 59/80, 3 false emergencies, 24/30 flagged, blind; 153/160, 80/80, none false, 30/30 after.
    "dev_d20.yaml": (0.93, 0.95),
    # dev_d21 (120: 90 emergencies, a third of them beside a plan question, 30 traps), written after dev_d20's round:
    # 95/120, recall 68/90, one false emergency, blind; 117/120, 90/90, none false after. dev_d22 (150: 100 traps
    # that use danger and medical words, 50 indirect): 125/150, four false emergencies, blind; 128/150, none after.
    "dev_d21.yaml": (0.95, 0.0),
    "dev_d22.yaml": (0.84, 0.0),
    # dev_d23 (120: 80 emergencies told by what is seen, 40 traps), written after dev_d21's round: 83/120, recall
    # 54/80, one false emergency, blind; 65/80 with the sign groups (danger-signs) before any of its own phrases;
    # 110/120, 80/80, none false after.
    "dev_d23.yaml": (0.88, 0.0),
    # dev_d24 (120: 80 emergencies, 40 traps), written after the sign groups went in: 100/120, recall 63/80, one
    # false emergency, blind; 79/80, none false after (the miss: "landed on his head" beside "added him to the plan
    # last week", where the past marker belongs to another sentence).
    "dev_d24.yaml": (0.95, 0.0),
    # dev_d25 (100: 70 emergencies, many of them crisis, violence and suicidal talk, 30 traps) and dev_d26 (120
    # traps full of body, danger and grief words), by new writers after dev_d24's round: recall 52/70 blind, and 2
    # false emergencies of 120 blind; 70/70 and none false after.
    "dev_d25.yaml": (0.90, 0.0),
    "dev_d26.yaml": (0.93, 0.0),
    # dev_d27 (200: 100 indirect, 50 messy emails, 50 traps) and dev_d28 (200: 80 indirect, 40 emails, 30 two needs,
    # 30 traps, 20 off-topic), by new writers in the thirteenth session: 158/200 and 169/200 blind, with one and two
    # false emergencies ("overdosing on paperwork", "fainted when she saw the bill. Kidding."); 168/200 and 176/200,
    # none false, after. Many of what is left are the writers' calls where the pages let two teams answer.
    "dev_d27.yaml": (0.83, 0.0),
    "dev_d28.yaml": (0.87, 0.85),
    # dev_d29 (150: 120 messy emails, 15 emergencies told in emails, 15 off-topic emails): 129/150, recall 13/15,
    # flagged 11/15 blind; 133/150, 15/15, none false, flagged 10/15 after.
    "dev_d29.yaml": (0.88, 0.65),
    # A sixteenth held-out set, by a new writer during the twelfth session, scored once with the session's starting
    # code (ef9a82a, in a worktree) before anything was tuned on it: 145/150 = 96.7%, 20/20 flagged, recall 12/12,
    # no false emergency; 146/150 = 97.3%, 20/20, 12/12, none false at the session's end. Summary only.
    "test_fresh16.yaml": (0.94, 0.90),
    # A seventeenth held-out set, by a new writer at the start of the thirteenth session, scored once before anything
    # was tuned: 145/150 = 96.7%, 20/20 flagged, recall 11/12, no false emergency; the same at the session's end.
    # Summary only.
    "test_fresh17.yaml": (0.95, 0.95),
}


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> SearchIndex:
    return open_index(load(ROOT / "directory.yaml"), Path(tmp_path_factory.mktemp("index")))


@pytest.fixture(scope="module", params=sorted(FLOORS))
def scored(request: pytest.FixtureRequest, index: SearchIndex, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Score]:
    name = request.param
    items = yaml.safe_load((BLIND / name).read_text())
    # A development set's questions are among the directory's examples: each is answered from the other sets' alone.
    own = without_own(index.directory, items)
    found = score(index if own is index.directory else open_index(own, Path(tmp_path_factory.mktemp("index"))), items)
    print("\n" + "\n".join(found.lines(name)))
    return name, found


# Emergencies of a development set the router is known to miss, each with why. dev_d24's: "fell off the loading dock
# and landed on his head ... we added him to the plan last week": "last week" is said of the plan, in another
# sentence, yet sets the fall aside as past. An unless phrase counts anywhere in the question; counting it only near
# the danger (tried: within 8 and 12 words) took six traps that are over ("nearly had a stroke when I opened the
# invoice ... last month") for emergencies.
KNOWN_MISSED_EMERGENCIES = {"dev_d24.yaml": 1}


def test_every_emergency_is_caught(scored: tuple[str, Score]) -> None:
    name, found = scored
    if name.startswith("test_fresh"):
        pytest.skip("reported only for the held-out set: its misses are never read, so no case of it is a gate")
    assert found.caught == found.emergencies - KNOWN_MISSED_EMERGENCIES.get(name, 0), name


def test_nothing_else_is_taken_for_an_emergency(scored: tuple[str, Score]) -> None:
    name, found = scored
    if name.startswith("test_fresh"):
        pytest.skip("reported only for the held-out set: its misses are never read, so no case of it is a gate")
    assert found.false_emergencies == 0, name


def test_accuracy_and_off_topic_flagging_stay_above_their_floors(scored: tuple[str, Score]) -> None:
    name, found = scored
    accuracy, flagged = FLOORS[name]
    assert found.overall >= accuracy, name
    assert found.flagged >= flagged * found.offtopic, name


def test_a_bare_string_of_alternatives_is_refused_rather_than_read_letter_by_letter(index: SearchIndex) -> None:
    # dev_d6 once came with `also: kp-org`: scored as the letters k, p, -, o, r, g, every alternative was missed.
    with pytest.raises(ValueError, match="must be a list"):
        score(index, [{"q": "I need a copy of our bill", "expect": "account-kp-org", "also": "california-service-center"}])
    listed = score(index, [{"q": "I need a copy of our bill", "expect": "account-kp-org", "also": ["california-service-center"]}])
    assert sum(listed.right.values()) == 1


def test_no_held_out_question_is_an_example(index: SearchIndex) -> None:
    # The held-out sets measure questions nobody tuned on: not one of them may be among the examples.
    for path in sorted(BLIND.glob("test_fresh*.yaml")):
        items = yaml.safe_load(path.read_text())
        assert without_own(index.directory, items) is index.directory, path.name


def test_a_development_set_is_scored_without_its_own_examples(index: SearchIndex) -> None:
    items = yaml.safe_load((BLIND / "dev_d13.yaml").read_text())
    own = without_own(index.directory, items)
    assert 0 < len(own.examples) < len(index.directory.examples)
    assert not {" ".join(str(i["q"]).lower().split()) for i in items} & {" ".join(e.text.lower().split()) for e in own.examples}
