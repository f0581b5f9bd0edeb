from __future__ import annotations

from routing.core.memo import remembered


def test_an_answer_is_made_once_and_then_remembered():
    made: list[str] = []
    memo: dict[str, str] = {}

    def make() -> str:
        made.append("x")
        return "answer"

    assert remembered(memo, "q", 10, make) == "answer"
    assert remembered(memo, "q", 10, make) == "answer"
    assert made == ["x"]


def test_a_stream_of_new_keys_never_grows_the_table_past_its_limit():
    memo: dict[int, int] = {}
    for n in range(1_000):
        assert remembered(memo, n, 50, lambda n=n: n * 2) == n * 2
        assert len(memo) <= 50
