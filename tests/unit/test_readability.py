"""Reading measures of answers (bot/evaluation/readability.py), as make evaluate prints them."""

from bot.evaluation.readability import (
    answer_measures,
    bangla_sentence_length,
    bangla_sentences,
    render_table,
    summary_lines,
    word_count,
)
from bot.evaluation.run import render_grades

BN = [{"type": "slot", "name": "language", "value": "bn"}]


def test_bangla_sentences_end_at_the_dari_and_question_marks() -> None:
    text = "হাড় জোড়া লাগে। কত দিন লাগে? (সার্জনের নিজের DFO বিষয়ক পাতা থেকে।)"
    assert bangla_sentences(text) == [
        "হাড় জোড়া লাগে।",
        "কত দিন লাগে?",
        "(সার্জনের নিজের DFO বিষয়ক পাতা থেকে।)",
    ]
    assert bangla_sentence_length(text) == (3 + 3 + 6) / 3


def test_words_are_counted_without_slot_placeholders() -> None:
    assert word_count("Call {clinic_phone} now, please.") == 3


def test_first_answers_and_rests_are_summarised_apart() -> None:
    responses = {
        "utter_faq/a": [
            {"text": "One two three four."},
            {"condition": BN, "text": "এক দুই। তিন।"},
        ],
        "utter_faq_more/a": [{"text": "Five six."}, {"condition": BN, "text": "চার।"}],
        "utter_greet": [{"text": "Hello there."}],
    }
    measures = answer_measures(responses)
    assert [(m.name, m.words_en, m.words_bn) for m in measures] == [
        ("utter_faq/a", 4, 3),
        ("utter_faq_more/a", 2, 1),
    ]
    lines = summary_lines(measures)
    assert lines[0].startswith("FAQ first answers (1): EN words median 4.0 max 4.0")
    assert lines[1].startswith("FAQ more parts (1): EN words median 2.0 max 2.0")
    assert "utter_faq_more/a" in render_table(measures)


def test_the_evaluation_report_prints_the_answer_lengths() -> None:
    results = {"reading_grades": {"utter_faq/a": 5.0}, "answer_lengths": ["FAQ first answers"]}
    assert render_grades(results).endswith("FAQ first answers")
