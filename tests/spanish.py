"""What a Spanish text must not hold: English words, facts aside. Shared by the core, present and API tests."""

from __future__ import annotations

import re

# Words of the English frames and of the directory's English wording (none is also a Spanish word).
_WORDS = """
the is are and or of to for with by you your can help handled handles handle open closed now opens closes today
tomorrow call press email include send this not on under also find employees questions question about which line
team teams account bills bill coverage members member hours listed toll free online website site changes inquiries
information other all documents form forms group name get order view pay manage see make receive submit enroll end
download request access service services center unit support representative business small broker record
emergency medical sounds like does closest match matched nothing start any first way comes always
"""
ENGLISH_IN_SPANISH = frozenset(_WORDS.split())
# Facts and names that stay as they are in every language: sites, a site's own section names, programs' names,
# and a request's reference (random letters: "FW-1D0BY0WG" once read as the English "by").
_FACTS = re.compile(
    r"\bFW-[0-9A-Z]{8}\b|\S+@\S+|https?://\S+|\b(?:account\.)?kp\.org\b|Manage Members|Forms and Documents|Manage Accounts|Employee Enrollment Worksheets"
    r"|COBRA/Cal-COBRA|Cal-COBRA|COBRA|Kaiser Permanente|Memorial Day|Martin Luther King Jr\.|EIN|A-5500"
)


def english_left(text: str) -> list[str]:
    """The English words in a text meant to be Spanish, facts aside."""
    return [w for w in re.findall(r"[A-Za-z]+", _FACTS.sub(" ", text)) if w.lower() in ENGLISH_IN_SPANISH]
