"""The wording pipeline: what an employer types becomes the directory's words."""

from __future__ import annotations

import pytest

from routing.core.directory import load
from routing.core.text import analyze, apply_synonyms, build_vocabulary, contains_phrase, correct, tokenize, words_of
from routing.settings import ROOT


@pytest.fixture(scope="module")
def vocab():
    return build_vocabulary(load(ROOT / "directory.yaml"))


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("brokr", "broker"), ("recrod", "record"), ("recieve", "receive"), ("bil", "bill"), ("cobar", "cobra")],
)
def test_one_typo_is_repaired(vocab, typed, meant):
    assert correct(typed, vocab) == meant


def test_a_misspelling_that_stems_alike_needs_no_repair(vocab):
    assert analyze("reinstatment", vocab).terms == analyze("reinstatement", vocab).terms


@pytest.mark.parametrize("word", ["weather", "pizza", "the", "604213", "ok"])
def test_unknown_and_short_words_are_left_alone(vocab, word):
    assert correct(word, vocab) == word


@pytest.mark.parametrize(
    ("said", "means"),
    [
        ("continuation coverage", "cobra"),
        ("BOR", "broker of record"),
        ("change agent", "broker of record"),
        ("invoice", "bill"),
        ("statement", "bill"),
        ("5500", "a 5500 report"),
        ("Cal-COBRA", "cobra"),
    ],
)
def test_synonyms_rewrite_to_the_directory_words(vocab, said, means):
    assert apply_synonyms(tokenize(said), vocab) == tokenize(means)


def test_canonical_phrase_is_not_rewritten_again(vocab):
    assert apply_synonyms(tokenize("a-5500 report"), vocab) == ["a", "5500", "report"]


def test_tokenize_folds_case_accents_apostrophes_and_hyphens():
    assert tokenize("Can't ACCESS Peña's e-sign “form”!") == ["cant", "access", "penas", "e", "sign", "form"]


def test_analysis_keeps_every_word_for_phrases_but_only_meaningful_terms_for_search(vocab):
    analysis = analyze("Is this an emergency?", vocab)
    assert contains_phrase(analysis.words, analyze("this is an emergency", vocab).words[1:2])
    assert "is" not in analysis.terms and "an" not in analysis.terms


@pytest.mark.parametrize("junk", ['"quoted', "(AND OR NOT)", "***", "😀" * 50, "x" * 5000, "", "   ", "\x00\x01"])
def test_odd_input_never_raises(vocab, junk):
    analysis = analyze(junk, vocab)
    assert isinstance(analysis.terms, tuple)


# -- spoken and written everyday forms ---------------------------------------------------------


def test_sounds_of_speech_are_dropped_so_phrases_stay_in_a_row():
    assert words_of("we cant um really cover the uh premium") == ["we", "cant", "cover", "the", "premium"]


@pytest.mark.parametrize(
    ("said", "digits"),
    [
        ("the fifty five hundred report", ["the", "5500", "report"]),
        ("form five five zero zero", ["form", "5500"]),
        ("my son just turned twenty six", ["my", "son", "just", "turned", "26"]),
        ("twenty five hours a week", ["25", "hours", "a", "week"]),
        ("five thousand five hundred", ["5500"]),
    ],
)
def test_numbers_said_in_words_become_digits(said, digits):
    assert words_of(said) == digits


def test_a_lone_one_or_two_stays_a_word():
    assert words_of("the new one and two guys") == ["the", "new", "one", "and", "two", "guys"]


def test_a_percent_sign_is_the_word_percent():
    assert words_of("from 75% to 85%") == ["from", "75", "percent", "to", "85", "percent"]


def test_a_possessive_keeps_the_persons_word():
    assert words_of("our cook's card") == ["our", "cook", "card"]


def test_words_the_stemmer_would_fold_together_keep_apart(vocab):
    assert analyze("accountant", vocab).words != analyze("account", vocab).words
    assert analyze("appointed", vocab).words != analyze("appointment", vocab).words


def test_a_dropped_letter_before_d_is_repaired_not_taken_for_a_past_tense(vocab):
    assert correct("coverd", vocab) != "coverd"
    assert analyze("is it coverd", vocab).terms == analyze("is it covered", vocab).terms


def test_a_job_title_is_an_employee_so_employee_phrases_hold_for_it(vocab):
    # "prep cook" becomes "employee", then "new employee" becomes "new hire": one family builds on another.
    assert apply_synonyms(words_of("a new prep cook"), vocab) == ["a", "new", "hire"]
    assert apply_synonyms(words_of("let a laborer go"), vocab)[0] == "terminate"


def test_plain_tokens_keep_names_as_written():
    # Group names and addresses are read with plain tokens: no number or filler rewriting there.
    assert tokenize("Fifty Five Diner's") == ["fifty", "five", "diners"]


def test_a_variant_is_also_matched_in_the_words_its_parts_become(vocab):
    # "cancelar la cobertura" is listed; "aseguranza" and "cobertura" both become "coverage", so either is said.
    assert analyze("cancelar la aseguranza", vocab).words == analyze("cancelar la cobertura", vocab).words


def test_let_someone_go_is_said_in_a_row_however_the_person_is_named():
    assert words_of("we let our two servers go") == ["we", "let", "go", "our", "two", "servers"]
    assert words_of("let me go over the bill") == ["let", "me", "go", "over", "the", "bill"]


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("boker", "broker"), ("acount", "account"), ("dotor", "doctor"), ("meber", "member"), ("chaged", "charged"), ("busness", "business")],
)
def test_a_typo_near_several_words_is_the_directorys_own_word_with_the_dropped_letter_back(vocab, typed, meant):
    assert correct(typed, vocab) == meant


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("howdo", ("how", "do")), ("emailreminders", ("email", "reminders")), ("getcopies", ("get", "copies")), ("myemployee", ("my", "employee")),
     ("notbreathing", ("not", "breathing"))],
)
def test_two_words_typed_without_a_space_are_read_as_two(vocab, typed, meant):
    from routing.core.text import joined

    assert joined(typed, vocab) == meant
    analysis = analyze(f"{typed} for our group", vocab)
    assert (typed, " ".join(meant)) in analysis.corrections


# Each of these splits into two known-looking pieces: a name ("den ver") and Spanish forms ("factura do", "con
# tiene", "me nos"). English compounds the dictionary lacks ("dropdown") are still split, and read the same.
@pytest.mark.parametrize("word", ["sandoval", "denver", "renuevo", "facturado", "despedido", "contiene", "menos"])
def test_names_compounds_and_spanish_words_are_not_cut_in_two(vocab, word):
    from routing.core.text import joined

    assert joined(word, vocab) is None


def test_deductible_and_noticed_keep_their_own_stems(vocab):
    # Porter folds "deductible" into "deduct" (payroll's) and "noticed" into "notices" (the plan's letters).
    from routing.core.text import stem

    assert "deduct" not in analyze("what is our deductible", vocab).words
    assert stem("noticed") != stem("notices") and stem("notice") == stem("notices")
