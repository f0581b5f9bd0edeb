"""The parser on the mail real inboxes get: charsets, encodings, HTML, attachments, replies, forwards, machines."""

from __future__ import annotations

import base64
import quopri
import random

import pytest
from paths import FIXTURES

from routing.core.email.parse import decode_bytes, decode_header_value, parse
from routing.core.email.sections import html_to_text, split_sections


def message(body: bytes | str, *, headers: str = "", content_type: str = 'text/plain; charset="utf-8"', cte: str = "7bit") -> bytes:
    head = (
        "From: Ana Ortiz <ana@example.com>\r\nTo: inbox@example.com\r\nSubject: Hello\r\n"
        "Message-ID: <m1@example.com>\r\nDate: Mon, 02 Mar 2026 09:14:22 -0800\r\n"
        f"{headers}MIME-Version: 1.0\r\nContent-Type: {content_type}\r\nContent-Transfer-Encoding: {cte}\r\n\r\n"
    ).encode("ascii")
    return head + (body.encode("utf-8") if isinstance(body, str) else body)


# --- charsets and transfer encodings ------------------------------------------------


@pytest.mark.parametrize(
    "body, charset, cte, expected",
    [
        ("Peña Auto Body Inc".encode("latin-1"), "iso-8859-1", "8bit", "Peña Auto Body Inc"),
        ("we’d like “Silver 70” – soon".encode("cp1252"), "windows-1252", "8bit", "we’d like “Silver 70” – soon"),
        (quopri.encodestring("we’d like “Silver 70”".encode("cp1252")), "windows-1252", "quoted-printable", "we’d like “Silver 70”"),
        (base64.b64encode("Café Lumière LLC".encode()), "utf-8", "base64", "Café Lumière LLC"),
        # Declared wrongly: the bytes are Windows-1252, not UTF-8.
        ("Café Lumière".encode("cp1252"), "utf-8", "8bit", "Café Lumière"),
        # Declared a charset Python does not know.
        ("Café".encode(), "x-made-up-charset", "8bit", "Café"),
        # Not declared at all, 8-bit UTF-8 anyway.
        ("Renée".encode(), "us-ascii", "8bit", "Renée"),
    ],
)
def test_bodies_decode_with_charset_fallbacks(body: bytes, charset: str, cte: str, expected: str) -> None:
    parsed = parse(message(body, content_type=f'text/plain; charset="{charset}"', cte=cte))
    assert expected in parsed.newest


def test_broken_base64_still_gives_text_and_never_raises() -> None:
    parsed = parse(message(b"SGVsbG8gd29ybGQ=!!!not base64 at all\x00\xff", cte="base64"))
    assert isinstance(parsed.newest, str)


def test_decode_bytes_never_fails() -> None:
    assert decode_bytes(bytes(range(256)), "utf-8")  # falls through to Windows-1252 or Latin-1
    assert decode_bytes(b"\x81\x8d\x8f", "bogus") == "\x81\x8d\x8f"  # only Latin-1 maps these


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("=?utf-8?Q?Ren=C3=A9e_Dubois?= <r@example.com>", "Renée Dubois <r@example.com>"),
        ("=?iso-8859-1?Q?Jos=E9_Pe=F1a?=", "José Peña"),
        ("=?utf-8?B?UmVpbnN0YXRlbWVudCDigJMgQ2Fmw6k=?=", "Reinstatement – Café"),
        ("=?x-unknown-charset?Q?Caf=C3=A9?=", "Café"),
        ("=?utf-8?Q?broken", "=?utf-8?Q?broken"),
        ("plain text", "plain text"),
    ],
)
def test_encoded_headers(raw: str, expected: str) -> None:
    assert decode_header_value(raw) == expected


def test_raw_eight_bit_headers_are_read() -> None:
    raw = message("Hi", headers="").replace(b"Subject: Hello", "Subject: Peña Auto Body".encode("latin-1"))
    assert parse(raw).subject == "Peña Auto Body"


# --- HTML -----------------------------------------------------------------------------


def test_html_becomes_text_without_scripts_styles_or_markup() -> None:
    html = (
        "<html><head><title>t</title><style>p{color:red}</style><script>alert('x')</script></head>"
        "<body><p>Hi,</p><p><b>Group ID:</b> 2208461<br>Company: Redwood Print &amp; Copy</p>"
        "<ul><li>one</li><li>two</li></ul><blockquote>old words</blockquote></body></html>"
    )
    text = html_to_text(html)
    assert "alert" not in text and "color" not in text and "<" not in text
    assert "Group ID: 2208461" in text.split("\n")
    assert "Company: Redwood Print & Copy" in text.split("\n")
    assert "- one" in text and "> old words" in text


def test_plain_text_is_preferred_to_html_in_alternative() -> None:
    raw = (
        b"From: a@example.com\r\nSubject: s\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=B\r\n\r\n"
        b"--B\r\nContent-Type: text/plain\r\n\r\nplain words\r\n--B\r\nContent-Type: text/html\r\n\r\n<p>html words</p>\r\n--B--\r\n"
    )
    parsed = parse(raw)
    assert parsed.newest == "plain words" and not parsed.from_html


def test_html_only_message_is_read() -> None:
    parsed = parse((FIXTURES / "10_site_error_html_only_base64.eml").read_bytes())
    assert parsed.from_html
    assert "Company: Redwood Print & Copy" in parsed.newest


# --- attachments ------------------------------------------------------------------------


def test_attachments_are_listed_with_type_and_size_but_not_read() -> None:
    pdf = base64.b64encode(b"%PDF-1.4 " + b"x" * 3000).decode()
    raw = (
        "From: a@example.com\r\nSubject: s\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n"
        "--B\r\nContent-Type: text/plain\r\n\r\nSee attached. Group ID: 604213\r\n"
        f"--B\r\nContent-Type: application/pdf; name=a.pdf\r\nContent-Disposition: attachment; filename=\"Enrollment.pdf\"\r\n"
        f"Content-Transfer-Encoding: base64\r\n\r\n{pdf}\r\n"
        "--B\r\nContent-Type: text/plain; name=notes.txt\r\nContent-Disposition: attachment; filename=notes.txt\r\n\r\nGroup ID: 999999\r\n--B--\r\n"
    ).encode()
    parsed = parse(raw)
    names = [(a.filename, a.content_type) for a in parsed.attachments]
    assert names == [("Enrollment.pdf", "application/pdf"), ("notes.txt", "text/plain")]
    assert abs(parsed.attachments[0].size - 3009) <= 3
    # A text attachment is not the message: its words never reach the text.
    assert "999999" not in parsed.text


def test_forwarded_as_attachment_reads_the_attached_message() -> None:
    inner = b"From: broker@example.org\r\nSubject: Mid-year downgrade\r\n\r\nGroup name: Lindqvist Hardware Co\r\nGroup ID: 6650912\r\n"
    raw = (
        b"From: tom@example.net\r\nSubject: Fwd: note\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n"
        b"--B\r\nContent-Type: text/plain\r\n\r\nSee below.\r\n--B\r\nContent-Type: message/rfc822\r\n\r\n" + inner + b"--B--\r\n"
    )
    parsed = parse(raw)
    assert parsed.is_forward
    assert "Group ID: 6650912" in parsed.forwarded
    assert parsed.attachments[0].content_type == "message/rfc822"


# --- newest text, forwards and quoted history --------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "New question about COBRA.\n\nOn Mon, Mar 9, 2026 at 10:41 AM Client Services <csu@example.com> wrote:\n> old billing words\n",
        "New question about COBRA.\n\nOn Thu, Mar 12, 2026 at 2:17 PM Marisol Vega <csc-team@example.com>\nwrote:\n> old billing words\n",
        "New question about COBRA.\n\n-----Original Message-----\nFrom: CSC <csc@example.com>\nSent: Friday, March 6, 2026 1:12 PM\nSubject: RE: bill\n\nold billing words\n",
        "New question about COBRA.\n\n________________________________\nFrom: CSC <csc@example.com>\nSent: Friday, March 6, 2026 1:12 PM\nTo: me\n\nold billing words\n",
        "New question about COBRA.\n\nFrom: CSC <csc@example.com>\nSent: Friday, March 6, 2026 1:12 PM\nTo: me\nSubject: bill\n\nold billing words\n",
        "New question about COBRA.\n> old billing words\n",
        "Le lun. 9 mars 2026 à 10:41, CSU <csu@example.com> a écrit :\n> old billing words\n\nNew question about COBRA.\n",
    ],
    ids=["gmail", "wrapped-attribution", "outlook-original", "outlook-underscores", "outlook-header-block", "quote-marks", "bottom-posted"],
)
def test_quoted_history_is_kept_apart_from_the_newest_text(body: str) -> None:
    sections = split_sections(body, "Re: bill")
    assert "New question about COBRA." in sections.newest
    assert "old billing words" not in sections.newest
    assert "old billing words" in sections.history
    assert sections.is_reply and not sections.is_forward


@pytest.mark.parametrize(
    "marker",
    ["---------- Forwarded message ---------", "Begin forwarded message:", "-------- Forwarded Message --------"],
)
def test_a_forwarded_message_is_the_request_not_history(marker: str) -> None:
    body = f"See below.\n\n{marker}\nFrom: Angela <a@example.org>\nDate: Wed, Mar 11, 2026\nSubject: plan\nTo: Tom\n\nGroup ID: 6650912\n"
    sections = split_sections(body, "Fwd: plan")
    assert sections.is_forward
    assert sections.newest == "See below."
    assert sections.forwarded == "Group ID: 6650912"  # the forwarded headers are dropped


def test_outlook_original_message_under_fwd_subject_is_a_forward() -> None:
    body = "FYI\n\n-----Original Message-----\nFrom: x@example.com\nSent: Monday\nSubject: y\n\nplease change our broker\n"
    assert split_sections(body, "FW: y").is_forward
    assert split_sections(body, "RE: y").is_reply


def test_a_reply_inside_a_forward_keeps_its_own_history_apart() -> None:
    body = "See below.\n\n---------- Forwarded message ---------\nFrom: a@example.org\n\nNew note.\n\nOn Mon, Mar 9 A wrote:\n> ancient\n"
    sections = split_sections(body, "Fwd: x")
    assert sections.forwarded == "New note." and "ancient" in sections.history


# --- loop signals -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers, signal",
    [
        ("Auto-Submitted: auto-replied\r\n", "auto-submitted"),
        ("Auto-Submitted: Auto-Generated (nightly)\r\n", "auto-submitted"),
        ("Precedence: bulk\r\n", "precedence"),
        ("Precedence: list\r\n", "precedence"),
        ("Precedence: junk\r\n", "precedence"),
        ("X-Auto-Response-Suppress: All\r\n", "x-auto-response-suppress"),
        ("List-Id: Forum <forum.example.org>\r\n", "list-id"),
        ("Return-Path: <>\r\n", "null-return-path"),
        ("X-Autoreply: yes\r\n", "x-autoreply"),
    ],
)
def test_machine_mail_is_recognised(headers: str, signal: str) -> None:
    assert signal in parse(message("Group ID: 604213", headers=headers)).loop_signals


@pytest.mark.parametrize("sender", ["MAILER-DAEMON@example.net", "postmaster@example.com", "noreply@example.com", "no-reply@example.com", "do-not-reply@example.com", "donotreply@example.com"])
def test_senders_that_never_read_replies(sender: str) -> None:
    raw = message("x").replace(b"From: Ana Ortiz <ana@example.com>", f"From: System <{sender}>".encode())
    assert "noreply-sender" in parse(raw).loop_signals


def test_a_reply_to_address_that_never_reads_replies_counts_too() -> None:
    assert "noreply-sender" in parse(message("x", headers="Reply-To: noreply@example.com\r\n")).loop_signals


def test_delivery_reports_are_recognised() -> None:
    parsed = parse((FIXTURES / "44_bounce_delivery_status.eml").read_bytes())
    assert {"delivery-report", "null-return-path", "noreply-sender"} <= set(parsed.loop_signals)


@pytest.mark.parametrize("headers", ["Auto-Submitted: no\r\n", "Auto-Submitted: No (a person wrote this)\r\n", "Precedence: first-class\r\n", ""])
def test_people_are_not_machines(headers: str) -> None:
    assert parse(message("x", headers=headers)).loop_signals == ()


# --- input that is not an email ------------------------------------------------------------------


def test_empty_input_is_described_not_raised() -> None:
    assert parse(b"").problems == ("The message is empty.",)
    assert parse(b"  \r\n ").problems == ("The message is empty.",)


def test_random_bytes_and_truncations_never_raise() -> None:
    rnd = random.Random(6)
    samples = [bytes(rnd.getrandbits(8) for _ in range(rnd.randint(1, 4000))) for _ in range(40)]
    whole = (FIXTURES / "13_terminations_csv_attachment.eml").read_bytes()
    samples += [whole[:cut] for cut in range(0, len(whole), 97)]
    for raw in samples:
        parsed = parse(raw)
        assert isinstance(parsed.newest, str) and parsed.raw_size == len(raw)


def test_headers_and_addresses_of_a_real_fixture() -> None:
    parsed = parse((FIXTURES / "05_payment_arrangement_latin1.eml").read_bytes())
    assert parsed.from_name == "José Peña"
    assert parsed.from_address == parsed.reply_to == "jpena.autobody@example.net"
    assert parsed.message_id == "<000a01dc8d3e$5f2b1c40$1d815490$@example.net>"
    assert parsed.date == "2026-03-04T07:58:01-08:00"
    assert "Company: Peña Auto Body Inc" in parsed.newest



def test_an_encoded_display_name_cannot_pose_as_the_address() -> None:
    raw = message("Hi", headers="").replace(
        b"From: Ana Ortiz <ana@example.com>", b"From: =?utf-8?q?boss=40victim=2Eexample?= <real@sender.example>"
    )
    parsed = parse(raw)
    assert parsed.from_address == "real@sender.example"
    assert parsed.reply_to == "real@sender.example"
    assert parsed.from_name == "boss@victim.example"


@pytest.mark.parametrize("reply_to", ["alice@example.org@evil.example", "x@[127.0.0.1]", "=?utf-8?q?a=0D=0ABcc=3A_x=40y=2Ecom?= <v@x>"])
def test_a_reply_address_we_would_not_write_to_is_dropped(reply_to: str) -> None:
    parsed = parse(message("Hi", headers=f"Reply-To: {reply_to}\r\n"))
    assert parsed.reply_to == "ana@example.com"  # back to the From address, never the odd one
