"""A synthetic directory of N contacts, for measuring how the product scales.

It keeps the real directory (so the real rules and synonyms still apply) and
adds generated teams with made-up words, so postings stay realistic in size.
"""

from __future__ import annotations

import random

from common import ROOT

SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "ta", "vo", "zi", "pe", "su", "da", "fi", "go", "hu", "ja", "ke"]


def word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))


def generated_yaml(contacts: int, seed: int = 7) -> tuple[str, list[str]]:
    """The YAML text, and the made-up words its topics use."""
    rng = random.Random(seed)
    base = (ROOT / "directory.yaml").read_text()
    head, rules = base.split("\nrules:", 1)
    lines = [head.rstrip("\n")]
    vocab = [word(rng) for _ in range(max(200, contacts // 2))]
    for i in range(max(0, contacts - 9)):
        words = rng.sample(vocab, 8)
        lines += [
            f"  - id: generated-{i:05d}",
            f"    name: Generated Team {i}",
            "    kind: team",
            "    hours: {mon-fri: \"08:00-17:00\"}",
            # 555-01xx numbers are reserved for fiction; nothing here is ever dialled.
            f"    phones: [{{number: \"+1202555{i % 10000:04d}\", display: \"202-555-{i % 10000:04d}\", label: Generated}}]",
            "    topics:",
        ]
        for t in range(3):
            chosen = words[t * 2 : t * 2 + 3]
            lines += [
                f"      - id: generated-{i:05d}-{t}",
                f"        title: \"{' '.join(chosen).capitalize()} requests\"",
                f"        words: [{', '.join(chosen)}]",
            ]
    return "\n".join(lines) + "\n\nrules:" + rules, vocab


def sample_questions(vocab: list[str], n: int, seed: int = 11) -> list[str]:
    """Half real employer questions, half questions in the generated teams' words."""
    rng = random.Random(seed)
    real = ["billing", "cobra for a former employee", "change our broker of record", "order id cards", "chest pain", "what's the weather"]
    return [rng.choice(real) if i % 2 else f"question about {rng.choice(vocab)} {rng.choice(vocab)}" for i in range(n)]
