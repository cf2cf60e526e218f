"""Comparing two models message by message: which answers a retrain changed."""

from pathlib import Path

import pytest

from bot.evaluation.model_diff import (
    EVALUATION_SETS,
    Labelled,
    change_kind,
    changes,
    evaluation_sets,
    language_of,
    load_labelled,
    render,
    report,
)
from bot.evaluation.real_questions import Item, Outcome


def outcome(label: str, predicted: str, also: tuple = ()) -> Outcome:
    return Outcome(Item("a question", label, also=also), predicted)


def labelled(label: str, set_name: str = "probes", also: tuple = ()) -> Labelled:
    return Labelled(set_name, Item("a question", label, also=also))


def test_both_set_formats_are_read_with_their_languages(tmp_path: Path) -> None:
    ours = tmp_path / "heldout_bn_latn.yml"
    ours.write_text(
        "version: 1\nmessages:\n"
        "- {text: vro ki, expected: faq/vro_what_is, tags: [short]}\n"
        "- {text: thanks, expected: thank}\n"
    )
    real = tmp_path / "outside.yml"
    real.write_text(
        "items:\n"
        "- {text: 'What is a DFO?', label: faq/dfo_what_is, also: [faq/osteotomy_meaning]}\n"
        "- {text: 'How is it done?', label: faq/dfo_what_is, context_free: true}\n"
        "- {text: 'ভিআরও কী?', label: faq/vro_what_is, lang: bn}\n"
    )
    read = load_labelled(ours) + load_labelled(real)
    assert [(entry.set_name, entry.item.text, entry.item.lang) for entry in read] == [
        ("heldout_bn_latn", "vro ki", "bn_latn"),
        ("heldout_bn_latn", "thanks", "bn_latn"),
        ("outside", "What is a DFO?", "en"),
        ("outside", "ভিআরও কী?", "bn"),
    ]
    assert read[2].item.accepted == {"faq/dfo_what_is", "faq/osteotomy_meaning"}


@pytest.mark.parametrize(
    "content",
    [
        "just a line\n",
        "items: {text: not a list}\n",
        "messages:\n- {text: no label here}\n",
        "items:\n- {label: faq/dfo_what_is}\n",
        "items:\n- {text: '   ', label: faq/dfo_what_is}\n",
        "items:\n- a bare string\n",
        "items: [unclosed\n",
    ],
)
def test_a_file_that_is_not_a_labelled_set_is_refused(tmp_path: Path, content: str) -> None:
    path = tmp_path / "broken.yml"
    path.write_text(content)
    with pytest.raises(ValueError, match="broken.yml"):
        load_labelled(path)


def test_language_comes_from_the_set_name() -> None:
    assert language_of("dev_bn") == "bn"
    assert language_of("dev_bn_latn") == "bn_latn"
    assert language_of("probes_whatsapp_bn") == "bn"
    assert language_of("heldout_en") == "en"


def test_every_set_the_project_holds_is_readable() -> None:
    sets = evaluation_sets(EVALUATION_SETS)
    assert EVALUATION_SETS / "heldout_en.yml" in sets
    assert EVALUATION_SETS / "rasa_init_config.yml" not in sets
    for path in sets:
        assert load_labelled(path), path.name


@pytest.mark.parametrize(
    "label, before, after, kind",
    [
        ("faq/dfo_purpose", "nlu_fallback", "faq/dfo_purpose", "gained"),
        ("faq/dfo_purpose", "faq/dfo_purpose", "nlu_fallback", "lost"),
        ("faq/dfo_purpose", "faq/dfo_purpose", "faq/dfo_what_is", "became wrong"),
        ("out_of_scope", "out_of_scope", "faq/vro_hardware", "became wrong"),
        ("out_of_scope", "faq/vro_hardware", "nlu_fallback", "gained"),
        ("faq/dfo_purpose", "faq/dfo_what_is", "nlu_fallback", "no longer wrong"),
        ("faq/dfo_purpose", "nlu_fallback", "faq/dfo_what_is", "became wrong"),
        ("faq/dfo_purpose", "out_of_scope", "nlu_fallback", "moved"),
        ("out_of_scope", "out_of_scope", "request_human", "moved"),
        ("urgent_symptoms", "urgent_symptoms", "request_human", "lost"),
    ],
)
def test_each_change_is_named_by_what_it_does_to_the_patient(
    label: str, before: str, after: str, kind: str
) -> None:
    assert change_kind(outcome(label, before), outcome(label, after)) == kind


def test_only_changed_predictions_are_listed_worst_first() -> None:
    entries = [labelled("faq/dfo_purpose"), labelled("out_of_scope"), labelled("faq/vro_recovery")]
    before = [
        outcome("faq/dfo_purpose", "nlu_fallback"),
        outcome("out_of_scope", "out_of_scope"),
        outcome("faq/vro_recovery", "faq/vro_recovery"),
    ]
    after = [
        outcome("faq/dfo_purpose", "faq/dfo_purpose"),
        outcome("out_of_scope", "faq/vro_hardware"),
        outcome("faq/vro_recovery", "faq/vro_recovery"),
    ]
    found = changes(entries, before, after)
    assert [(change.kind, change.before, change.after) for change in found] == [
        ("became wrong", "out_of_scope", "faq/vro_hardware"),
        ("gained", "nlu_fallback", "faq/dfo_purpose"),
    ]


def test_outcomes_must_pair_with_the_messages() -> None:
    with pytest.raises(ValueError):
        changes([labelled("faq/dfo_purpose")], [], [outcome("faq/dfo_purpose", "nlu_fallback")])


def test_the_report_counts_both_models_per_set_and_shows_each_change() -> None:
    entries = [
        labelled("faq/dfo_purpose", "heldout_en"),
        labelled("faq/hip_dysplasia", "heldout_en"),
        labelled("request_human", "real_questions_outside", also=("faq/dfo_recovery",)),
    ]
    before = [
        outcome("faq/dfo_purpose", "faq/dfo_purpose"),
        outcome("faq/hip_dysplasia", "faq/hip_dysplasia"),
        outcome("request_human", "nlu_fallback", also=("faq/dfo_recovery",)),
    ]
    after = [
        outcome("faq/dfo_purpose", "faq/dfo_what_is"),
        outcome("faq/hip_dysplasia", "faq/hip_dysplasia"),
        outcome("request_human", "faq/dfo_recovery", also=("faq/dfo_recovery",)),
    ]
    result = report(entries, before, after)
    assert result["before"] == {"messages": 3, "right": 3, "wrong_answers": 0}
    assert result["after"] == {"messages": 3, "right": 2, "wrong_answers": 1}
    assert result["sets"]["heldout_en"]["after"] == {"messages": 2, "right": 1, "wrong_answers": 1}
    assert result["by_kind"]["became wrong"] == 1
    # An acceptable FAQ answer in place of a clarifying turn is not a change of outcome.
    assert result["by_kind"]["moved"] == 1
    text = render(result)
    assert "right:         3 -> 2" in text
    assert "heldout_en: 2/2 -> 1/2, 0 -> 1" in text
    assert "real_questions_outside" not in text.split("\n\n")[1]
    assert "[became wrong] heldout_en (faq/dfo_purpose): faq/dfo_purpose -> faq/dfo_what_is" in text


def test_no_change_is_said_plainly() -> None:
    entries = [labelled("faq/dfo_purpose")]
    same = [outcome("faq/dfo_purpose", "faq/dfo_purpose")]
    text = render(report(entries, same, same))
    assert "changed: none" in text and "moved" not in text


def test_long_messages_are_cut_in_the_listing() -> None:
    long_item = Item("word " * 60, "faq/dfo_purpose")
    result = report(
        [Labelled("probes", long_item)],
        [Outcome(long_item, "nlu_fallback")],
        [Outcome(long_item, "faq/dfo_purpose")],
    )
    last_line = render(result, text_width=40).splitlines()[-1]
    assert last_line.endswith("...") and len(last_line.split(" | ")[1]) == 40
