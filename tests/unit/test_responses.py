"""Reading the responses YAML: the domain, then data/responses/, once."""

from pathlib import Path

from bot.console.views_review import review_keys
from bot.evaluation.run import all_responses
from bot.responses import load_responses, response_files
from bot.settings import PROJECT_ROOT


def write_project(root: Path) -> None:
    (root / "data" / "responses").mkdir(parents=True)
    (root / "domain.yml").write_text(
        'version: "3.1"\nintents: [greet]\nresponses:\n'
        '  utter_greet:\n  - text: "Hello"\n  utter_faq/a:\n  - text: "old a"\n',
        encoding="utf-8",
    )
    (root / "data" / "responses" / "b.yml").write_text(
        'responses:\n  utter_faq/b:\n  - text: "বি"\n  utter_faq/a:\n  - text: "new a"\n',
        encoding="utf-8",
    )
    (root / "data" / "responses" / "a.yml").write_text(
        'responses:\n  utter_faq/a:\n  - text: "a from a.yml"\n', encoding="utf-8"
    )


def test_the_domain_comes_first_then_the_files_in_name_order(tmp_path: Path) -> None:
    write_project(tmp_path)
    assert [path.name for path in response_files(tmp_path)] == ["domain.yml", "a.yml", "b.yml"]
    responses = load_responses(tmp_path)
    assert responses == {
        "utter_greet": [{"text": "Hello"}],
        "utter_faq/a": [{"text": "new a"}],
        "utter_faq/b": [{"text": "বি"}],
    }


def test_the_files_are_read_once_and_each_caller_gets_its_own_dict(tmp_path: Path) -> None:
    write_project(tmp_path)
    first = load_responses(tmp_path)
    (tmp_path / "domain.yml").write_text("responses: {}\n", encoding="utf-8")
    second = load_responses(tmp_path / "data" / "..")
    assert second == first and second is not first
    second.pop("utter_greet")
    assert "utter_greet" in load_responses(tmp_path)


def test_the_evaluation_and_the_review_read_the_same_responses() -> None:
    responses = load_responses(PROJECT_ROOT)
    assert all_responses() == responses
    faq_keys = sorted(name[len("utter_") :] for name in responses if name.startswith("utter_faq/"))
    assert faq_keys and [key for key in review_keys() if key.startswith("faq/")] == faq_keys
