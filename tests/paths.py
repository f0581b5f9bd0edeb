"""Where the suite's shared files are, wherever a test module lives in the tree."""

from pathlib import Path

TESTS = Path(__file__).resolve().parent
FIXTURES = TESTS / "fixtures" / "email"  # real-looking inbound emails, one .eml each
DATA = TESTS / "data"  # question tables
BAD = TESTS / "bad_directories"  # directory files that must be refused
SEEDS = TESTS.parent.parent / "shared" / "seeds"  # the two source pages the directory is copied from
