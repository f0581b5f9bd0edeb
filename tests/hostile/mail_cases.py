"""The hostile emails of issue 17, as bytes: a few KB to a megabyte each, every one under MAX_MESSAGE_BYTES.

Before the fix each froze the app: the group-ID pattern backtracked
quadratically on "1-1-1-…" (21.7 s in a body, 12.3 s in a subject), a
megabyte of encoded words and 40,000 RFC 2231 continuations took seconds to
decode, and "<blockquote>a" repeated wrote "> " once per level on every line
(1.79 GB for a 390 KB body).
"""

from __future__ import annotations


def email(body: str, subject: str = "Question about our plan", headers: str = "", content_type: str = "text/plain; charset=utf-8") -> bytes:
    return (
        f"From: Ana Ortiz <ana@example.com>\r\nTo: inbox@example.com\r\nSubject: {subject}\r\nMessage-ID: <hostile@example.com>\r\n"
        f"{headers}Content-Type: {content_type}\r\n\r\n{body}"
    ).encode()


def digits_in_body() -> bytes:
    return email("group id " + "1-" * 16384 + "x")


def digits_in_subject() -> bytes:
    return email("Please see the subject.", subject="group id " + "1-" * 12_000 + "x")


def encoded_words_subject() -> bytes:
    # About a megabyte of RFC 2047 words on one line: the mail library's decoder is quadratic in words per line.
    return email("Please see the subject.", subject=" ".join(["=?utf-8?q?a?="] * 70_000))


def rfc2231_continuations() -> bytes:
    # An attachment whose file name comes in 40,000 pieces (RFC 2231 section 3): about 900 KB of one header.
    pieces = "".join(f";\r\n filename*{i}*=a%20b" for i in range(40_000))
    return (
        "From: Ana Ortiz <ana@example.com>\r\nTo: inbox@example.com\r\nSubject: Billing question\r\nMessage-ID: <hostile@example.com>\r\n"
        "Content-Type: multipart/mixed; boundary=part\r\n\r\n"
        "--part\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nPlease look at our billing question.\r\n"
        f"--part\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment{pieces}\r\n\r\nJVBERi0=\r\n--part--\r\n"
    ).encode()


def nested_blockquotes() -> bytes:
    return email("<blockquote>a" * 30_000, content_type="text/html; charset=utf-8")


CASES = {
    "digits-in-body": digits_in_body,
    "digits-in-subject": digits_in_subject,
    "encoded-words-subject": encoded_words_subject,
    "rfc2231-continuations": rfc2231_continuations,
    "nested-blockquotes": nested_blockquotes,
}
