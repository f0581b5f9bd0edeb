"""Hostile mail (issue 17): every email is read in time linear in its size, in bounded memory, and never dropped.

Each case runs parse + triage on the real Whoosh index in a forked child
with a deadline, so a pattern that backtracks for minutes (as the old ones
did: five optional spaces between "group" and its number split a long run of
spaces every way they could) fails the test instead of hanging the suite.
The child times one run, then measures the peak memory of a second run with
tracemalloc (which slows Python several times, so it is not timed).
"""

from __future__ import annotations

import multiprocessing
import random
import re
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hostile.mail_cases import CASES, email
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from routing.core.email import group_fields, group_names, sections
from routing.core.email import parse as parsing
from routing.core.email.parse import MAX_TEXT_CHARS, parse
from routing.core.email.sections import html_to_text
from routing.core.email.triage import ACTIONS, REVIEW, triage
from routing.core.instants import parse_instant
from routing.core.model import Directory
from routing.delivery import intake, reading
from routing.store.search_index import SearchIndex, open_index
from routing.store.triage_log import TriageLog

WEDNESDAY = parse_instant("2026-03-18T10:00:00-07:00")
SECONDS = 2.0  # per email, for parse + triage: the fixed code takes 0.01-0.2 s, the old one 4-25 s or never finished
PEAK_MB = 100.0
TOO_COMPLEX = "too large or too complex to read automatically"


@pytest.fixture(scope="module")
def index(directory: Directory, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchIndex]:
    built = open_index(directory, tmp_path_factory.mktemp("hostile-index"))
    yield built
    built.close()


# --- running one case under a deadline ----------------------------------------------------


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_mb: float
    outcome: str


def bounded(work: Callable[[], str], seconds: float = SECONDS, memory: bool = True) -> Run:
    """Run ``work`` in a forked child: its time, then (with ``memory``) its peak memory. Fails when it overruns ``seconds``."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)

    def child() -> None:
        try:
            started = time.perf_counter()
            outcome = work()
            elapsed = time.perf_counter() - started
            send.send(("time", elapsed, outcome))
            if memory and elapsed <= seconds:
                tracemalloc.start()
                work()
                send.send(("peak", tracemalloc.get_traced_memory()[1] / 1e6))
        except BaseException as exc:
            send.send(("error", repr(exc)[:500]))

    process = context.Process(target=child, daemon=True)
    process.start()
    send.close()
    try:
        # Generous: a slow machine gets five times the budget before the child is stopped.
        if not receive.poll(seconds * 5):
            pytest.fail(f"still running after {seconds * 5:g} s (the budget is {seconds:g} s): a pattern is backtracking")
        kind, *rest = receive.recv()
        if kind == "error":
            pytest.fail(f"raised {rest[0]}")
        elapsed, outcome = rest
        assert elapsed <= seconds, f"took {elapsed:.2f} s, over the {seconds:g} s budget ({outcome})"
        if not memory:
            return Run(elapsed, 0.0, outcome)
        if not receive.poll(seconds * 20):
            pytest.fail("the memory-measuring run did not finish")
        kind, *rest = receive.recv()
        if kind == "error":
            pytest.fail(f"raised {rest[0]} on the second run")
        return Run(elapsed, rest[0], outcome)
    finally:
        process.kill()
        process.join()


def triaged(index: SearchIndex, raw: bytes) -> Callable[[], str]:
    def work() -> str:
        result = triage(parse(raw), index, WEDNESDAY)
        return f"{result.action}: {result.reason}"

    return work


def assert_read(run: Run) -> None:
    action = run.outcome.split(":", 1)[0]
    assert action in ACTIONS, run.outcome
    assert run.peak_mb < PEAK_MB, f"peak {run.peak_mb:.0f} MB"


# --- the cases the issue reported ----------------------------------------------------------


# The old code took 15 s, 7 s, 11 s, 1.3 s and 3.8 s (and 1.8 GB) for these; the fixed one 0.02-0.2 s.
CASE_SECONDS = {"rfc2231-continuations": 0.5}


@pytest.mark.parametrize("name", list(CASES))
def test_each_reported_email_is_read_in_time_and_memory(index: SearchIndex, name: str) -> None:
    raw = CASES[name]()
    assert len(raw) <= 1_000_000  # what the app accepts by default (MAX_MESSAGE_BYTES)
    run = bounded(triaged(index, raw), CASE_SECONDS.get(name, SECONDS))
    assert_read(run)
    if name == "nested-blockquotes":
        # 30,000 quote levels turn into more text than is read automatically: a person reads it.
        assert run.outcome.startswith(REVIEW) and TOO_COMPLEX in run.outcome


def test_the_digits_pattern_still_reads_a_real_id_after_a_hostile_run(directory: Directory) -> None:
    text = "group id " + "1-" * 16384 + "x\nOur group number is 604213."
    run = bounded(lambda: ",".join(group_fields.group_ids(text, directory)), memory=False)
    assert run.outcome == "604213"


# --- families of pathological text, each pattern at its worst -----------------------------------


def _repeat(unit: str, size: int = 100_000) -> str:
    return unit * (size // len(unit))


# Each was slow in the old code (most never finished); each is read in well under the budget now.
BODIES: dict[str, str] = {
    "label-then-spaces": "group" + " " * 100_000 + "x",
    "id-then-spaces": "id" + " " * 100_000 + "x",
    "our-group-line": "our group" + " " * 100_000 + "x",
    "group-number-then-spaces": "group 1" + " " * 100_000 + "x",
    "digits-and-dashes": "group id " + _repeat("1-") + "x",
    "closing-then-spaces": "Please help with billing\nThanks" + " " * 100_000 + "x",
    "name-label-then-spaces": "Company: x" + " " * 100_000 + "y",
    "signature-spaces": "Please help with billing\nThanks,\nAna Ortiz\nAcme" + " " * 100_000 + "b",
}
SUBJECTS: dict[str, str] = {
    # A subject is cut at MAX_HEADER_CHARS now; the old code searched from every "(" of all of it to the end.
    "group-tags": _repeat("(group ", 60_000),
    "was-tags": _repeat("(was:", 60_000),
}
MARKUP: dict[str, str] = {
    "unclosed-tags": _repeat("<a", 400_000),
    "unclosed-comments": _repeat("<!--", 400_000),
    "unclosed-end-tags": _repeat("</", 400_000),
    "unclosed-instructions": _repeat("<?", 400_000),
    "unclosed-sections": _repeat("<![", 400_000),
    "quoted-gt-in-attributes": _repeat("<a b='x>'", 400_000),
    "open-quotes": _repeat("<a b='", 400_000),
}


@pytest.mark.parametrize("name", list(BODIES))
def test_a_pathological_body_is_read_in_linear_time(index: SearchIndex, name: str) -> None:
    assert_read(bounded(triaged(index, email(BODIES[name])), memory=False))


@pytest.mark.parametrize("name", list(SUBJECTS))
def test_a_pathological_subject_is_read_in_linear_time(index: SearchIndex, name: str) -> None:
    assert_read(bounded(triaged(index, email("Please see the subject.", subject=SUBJECTS[name])), memory=False))


def test_comments_in_an_auto_submitted_header_are_removed_in_linear_time(index: SearchIndex) -> None:
    raw = email("Please help with our billing question.", headers="Auto-Submitted: " + "(" * 100_000 + "\r\n")
    assert_read(bounded(triaged(index, raw), memory=False))


@pytest.mark.parametrize("name", list(MARKUP))
def test_pathological_html_is_read_in_linear_time(index: SearchIndex, name: str) -> None:
    raw = email("<p>Please help with billing.</p>" + MARKUP[name], content_type="text/html; charset=utf-8")
    assert_read(bounded(triaged(index, raw), memory=False))


def test_a_punycode_body_is_not_decoded_as_punycode(index: SearchIndex) -> None:
    # Python's punycode decoder is quadratic: 800 KB of it would take minutes.
    body = "a" * 300_000 + "-" + "b" * 300_000
    assert_read(bounded(triaged(index, email(body, content_type="text/plain; charset=punycode"))))


# --- what the bounds do to the result ----------------------------------------------------------


def test_a_text_over_the_cap_goes_to_a_person_and_keeps_its_start(index: SearchIndex) -> None:
    parsed = parse(email("Please change our billing address. " * 10_000))
    assert len(parsed.text) == MAX_TEXT_CHARS and "longer than" in parsed.problems[-1]
    result = triage(parsed, index, WEDNESDAY)
    assert result.action == REVIEW and TOO_COMPLEX in result.reason and "200,000 characters" in result.reason
    # Automatic mail is still ignored, however long: it is never answered either way.
    looped = parse(email("x" * (MAX_TEXT_CHARS + 10), headers="Auto-Submitted: auto-replied\r\n"))
    assert triage(looped, index, WEDNESDAY).action == "ignore"


def test_a_structure_of_too_many_nested_parts_is_not_taken_apart(index: SearchIndex) -> None:
    nested = "".join(f"Content-Type: multipart/mixed; boundary=B{i}\r\n\r\n--B{i}\r\n" for i in range(parsing.MAX_BOUNDARIES + 1))
    raw = ("From: Ana Ortiz <ana@example.com>\r\nSubject: Billing\r\n" + nested + "\r\nhello\r\n").encode()
    assert_read(bounded(triaged(index, raw), memory=False))
    parsed = parse(raw)
    assert parsed.subject == "Billing" and parsed.from_address == "ana@example.com" and parsed.text == ""
    result = triage(parsed, index, WEDNESDAY)
    assert result.action == REVIEW and TOO_COMPLEX in result.reason


def test_a_header_is_cut_where_it_is_parsed() -> None:
    parsed = parse(email("hi", subject="x" * 50_000))
    assert parsed.subject == "x" * parsing.MAX_HEADER_CHARS


def test_quote_depth_and_html_text_are_bounded() -> None:
    text = html_to_text("<blockquote>" * 50 + "deep" + "</blockquote>" * 50)
    assert text == "> " * sections.MAX_QUOTE_DEPTH + "deep"
    assert len(html_to_text("<p>words words</p>" * 100_000)) <= sections.MAX_HTML_TEXT_CHARS


# --- the budget in intake, and the index shared with worker threads ----------------------------------------------


def test_a_message_over_the_time_budget_goes_to_review(index: SearchIndex) -> None:
    result = intake.read(email("Please change our billing address. Group ID 604213."), index, WEDNESDAY, budget=0)
    assert result.action == REVIEW and TOO_COMPLEX in result.reason and "seconds" in result.reason


async def test_a_read_that_overruns_is_stored_for_review_not_dropped(index: SearchIndex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def stuck(raw: bytes) -> Any:
        time.sleep(1.0)
        return parse(raw)

    monkeypatch.setattr(reading, "parse", stuck)  # intake reads through delivery.reading
    log = TriageLog(tmp_path / "triage.sqlite3")
    try:
        raw = email("Please change our billing address.")
        started = time.perf_counter()
        record, created = await intake.take_in(log, raw, index, WEDNESDAY, "api", budget=0.1)
        assert time.perf_counter() - started < 0.9  # it stopped waiting at twice the budget
        assert created and record.raw == raw and record.action == REVIEW and TOO_COMPLEX in record.result["reason"]
    finally:
        log.close()


async def test_triage_runs_off_the_event_loop(index: SearchIndex, monkeypatch: pytest.MonkeyPatch) -> None:
    loop_thread = threading.get_ident()
    seen: list[int] = []

    def spy(parsed: Any, *args: Any) -> Any:
        seen.append(threading.get_ident())
        return triage(parsed, *args)

    monkeypatch.setattr(reading, "triage", spy)
    result = await intake.read_in_worker(CASES["digits-in-body"](), index, WEDNESDAY)
    assert result.action in ACTIONS and seen and loop_thread not in seen


def test_the_search_index_is_used_by_one_thread_at_a_time(directory: Directory, tmp_path: Path) -> None:
    """Worker threads triage while the event loop answers questions: one Whoosh searcher, never two callers in it."""
    built = open_index(directory, tmp_path)
    reference = open_index(directory, tmp_path)  # the same index on disk, its own searcher
    terms = sorted(built.vocab.stems)[:120]
    expected = {t: reference.search([t]) for t in terms}
    reference.close()
    inner = built._searcher
    inside = 0
    overlaps = 0
    guard = threading.Lock()

    class Watched:
        def search(self, *args: Any, **kwargs: Any) -> Any:
            nonlocal inside, overlaps
            with guard:
                inside += 1
                overlaps += inside > 1
            time.sleep(0.002)  # widen the window two threads would share
            try:
                return inner.search(*args, **kwargs)
            finally:
                with guard:
                    inside -= 1

        def close(self) -> None:
            inner.close()

    built._searcher = Watched()
    errors: list[BaseException] = []

    def worker(offset: int) -> None:
        try:
            for t in terms[offset::4]:
                assert built.search([t]) == expected[t], t
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    built.close()
    assert not errors, errors[0]
    assert overlaps == 0, f"{overlaps} searches ran while another thread was inside the searcher"


# --- generated input: the rewritten patterns decide as the old ones did, and stay fast --------------------------

# The patterns as they were before they were made linear; on short text they are fast and define the behaviour kept.
# (The group ID and name labels, and the reply and forward markers, were widened since on purpose, to more forms and
# languages (issue 13): they are checked by tests/core/email, and for speed by the pathological cases above.)
OLD_LINE_PATTERNS: dict[str, tuple[str, Any, str]] = {  # name: (the old source, the module, the new pattern's name)
    "closing": (r"^\s*(?:thanks?(?:\s+(?:you|so\s+much|again|in\s+advance))*|thank\s+you(?:\s+so\s+much|\s+very\s+much)?|many\s+thanks|best(?:\s+(?:regards|wishes))?|kind(?:est)?\s+regards|warm(?:est)?\s+regards|regards|sincerely(?:\s+yours)?|yours(?:\s+truly)?|cheers|warmly|respectfully|take\s+care|all\s+the\s+best|gracias|saludos|merci|cordialement|danke|atentamente|thx)\s*[,.!]*\s*$", group_names, "_CLOSINGS"),
    "group line": (r"^\s*(?:our\s+)?(?:group|grp)\s*(?:id|number|no\.?|#)?\s*(?:is)?\s*[:#]?\s*\d[\d-]*\s*\.?\s*$", group_fields, "_GROUP_LINE"),
    "underscores": (r"^\s*_{10,}\s*$", sections, "_UNDERSCORES"),
    "forward subject": (r"^\s*(?:fwd?|fw|tr|wg|rv)\s*:", sections, "SUBJECT_FORWARD"),
    "reply subject": (r"^\s*(?:re|aw|sv|antw|r)\s*(?:\[\d+\])?\s*:", sections, "SUBJECT_REPLY"),
}
OLD = {name: re.compile(source, 0 if name in ("underscores",) else re.IGNORECASE) for name, (source, _, _) in OLD_LINE_PATTERNS.items()}


def old_clean_subject(subject: str) -> str:
    cleaned = subject
    while True:
        stripped = re.sub(r"^\s*(?:(?:re|aw|sv|antw|fwd?|fw|tr|wg|rv)\s*(?:\[\d+\])?\s*:|\[[^\]]{1,40}\])\s*", "", cleaned, flags=re.IGNORECASE)
        if stripped == cleaned:
            break
        cleaned = stripped
    cleaned = re.sub(r"[\[(]\s*group\b[^\])]*[\])]", " ", cleaned, flags=re.IGNORECASE)
    cleaned = re.sub(r"\(\s*was:.*?\)", " ", cleaned, flags=re.IGNORECASE)
    return re.sub(r"\s+", " ", cleaned).strip()


PIECES = [
    "group", "Group", "GRP", "grp", "id", "ID", "no", "no.", "number", "num", "is", " ", "  ", "\t", "\u00a0", "\n", ":", "：", "#", "=", "-", "--", "–", "—",
    ".", ",", "|", "(", ")", "[", "]", "[2]", "*", "•", ">", "_" * 10, "1", "12345", "604213", "772301-0001", "٣", "K", "ſ", "x", "abc", "tax", "member",
    "Re", "re:", "RE:", "Fwd:", "fw", "AW:", "(was:", "(group 604213)", "[list]", "Company", "company name", "Employer", "business name", "Acme", "Bakery",
    "LLC", "Inc.", "Thanks", "thanks", "thank you", "so much", "you", "Best regards", "Kind regards", "Cheers", "!", "Ana", "Ortiz", "Dr.", "Owner", "Manager",
    "On", "on", "wrote", "Le", "a écrit", "Am", "schrieb", "El", "escribió", "From", "De", "Sent", "Date", "Subject", "To", "Cc", "Reply-To", "forwarded message",
    "original message", "Begin forwarded message:", "our", "a", "B",
]
TEXTS = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)
PERSON = frozenset({"ana", "ortiz"})


@settings(max_examples=3000, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=TEXTS)
def test_generated_text_reads_as_it_did_before_the_patterns_were_made_linear(directory: Directory, text: str) -> None:
    assert group_fields.clean_subject(text) == old_clean_subject(text)
    for value in group_fields.group_ids(text, directory):
        assert re.fullmatch(r"[0-9]{5,8}", value), value  # a -NNNN suffix is never part of the ID
    for line in text.split("\n"):
        for name, (_, module, attribute) in OLD_LINE_PATTERNS.items():
            new = getattr(module, attribute)
            assert bool(OLD[name].match(line)) == bool(new.match(line)), (name, line)
        assert group_names._signature_parts(line) == [p.strip() for p in re.split(r"\s*[,|]\s*|\s+[–—-]\s+", line) if p.strip()], line


WELL_FORMED = ["<p>", "</p>", "<div class=\"gmail_quote\">", "</div>", "<br>", "<br/>", "<blockquote>", "</blockquote>", "<a href='x?a=1&amp;b=2'>", "</a>",
               "<!-- note -->", "<!--[if gte mso 9]><xml><o:x>1</o:x></xml><![endif]-->", "<![if !supportLists]>", "<![endif]>", "<style>p{a:b}</style>",
               "<img alt=\"a > b\" src=cid:x>", "<span style=\"font-family:'Calibri'\">", "</span>", "<o:p>", "</o:p>", "<!DOCTYPE html>", "<td width=100%>",
               "hello", " world ", "&amp;", "&nbsp;", "&#39;", "\n"]


@settings(max_examples=1000, deadline=None, suppress_health_check=list(HealthCheck))
@given(html=st.lists(st.sampled_from(WELL_FORMED), max_size=40).map("".join))
def test_well_formed_markup_reaches_the_html_parser_unchanged(html: str) -> None:
    assert sections._bounded_markup(html) == html


UNITS = [
    "group", "id", "grp", " ", "\t", "1", "-", ":", "#", "is", "number", "Thanks", ",", "|", "–", "Company", ":", "(", ")", "[", "]", "Re:", "(was:", "(group",
    "On ", "wrote", "From:", "Sent:", "_", "\n", ">", "x", "a", "<", "<a", "<!--", "-->", "</", "<?", "<![", "]>", "='", "=\"", "'", "\"", "<blockquote>",
]


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(unit=st.lists(st.sampled_from(UNITS), min_size=1, max_size=6).map("".join), where=st.sampled_from(["body", "subject", "html"]), seed=st.integers(0, 2**16))
def test_generated_pathological_mail_is_read_in_time(index: SearchIndex, unit: str, where: str, seed: int) -> None:
    # A short unit repeated to the size the app accepts is what makes a backtracking pattern slow.
    size = 7_000 if where == "subject" else 100_000
    text = unit * (size // len(unit)) + random.Random(seed).choice(["", "x", "1", " ", "\n", ">"])
    if where == "body":
        raw = email(text)
    elif where == "subject":
        raw = email("Please see the subject.", subject=text.replace("\n", " "))
    else:
        raw = email(text, content_type="text/html; charset=utf-8")
    assert_read(bounded(triaged(index, raw), memory=False))
