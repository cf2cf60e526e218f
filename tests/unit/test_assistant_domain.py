"""The actions read the domain's responses from the files when Rasa sends none."""

from __future__ import annotations

from pathlib import Path

import yaml
from rasa.core.actions.action import RemoteAction
from rasa.core.utils import read_endpoints_from_path
from rasa.shared.core.domain import Domain

from actions.assistant_domain import PROJECT_ROOT, assistant_domain, file_domain


def trained_domain() -> Domain:
    """The domain as Rasa builds it for training: domain.yml plus the response files."""
    from rasa.shared.importers.importer import TrainingDataImporter

    importer = TrainingDataImporter.load_from_config(
        str(PROJECT_ROOT / "config.yml"),
        str(PROJECT_ROOT / "domain.yml"),
        [str(PROJECT_ROOT / "data")],
    )
    return importer.get_domain()


def test_the_files_give_the_responses_and_session_settings_rasa_trains_on() -> None:
    rasa_domain = trained_domain().as_dict()
    ours = file_domain()
    assert set(ours["responses"]) == set(rasa_domain["responses"])
    for name, variations in ours["responses"].items():
        texts = [variation.get("text") for variation in variations]
        assert texts == [variation.get("text") for variation in rasa_domain["responses"][name]]
    expected = rasa_domain["session_config"]["carry_over_slots_to_new_session"]
    assert ours["session_config"]["carry_over_slots_to_new_session"] == expected


def test_a_domain_rasa_sent_is_used_as_sent() -> None:
    sent = {"responses": {"utter_x": [{"text": "x"}]}}
    assert assistant_domain(sent) is sent
    assert assistant_domain({}) == file_domain()
    assert assistant_domain(None) == file_domain()


def test_rasa_sends_no_domain_to_our_actions(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ACTION_SERVER_URL", "http://127.0.0.1:5055/webhook")
    monkeypatch.setenv("ACTION_SERVER_TOKEN", "t")
    endpoints = read_endpoints_from_path(str(PROJECT_ROOT / "endpoints.yml"))
    domain = Domain.from_dict(yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text()))
    from rasa.shared.core.trackers import DialogueStateTracker

    tracker = DialogueStateTracker.from_events("c", [], slots=domain.slots)
    for name in ("action_answer_faq", "action_clarify", "action_tell_me_more"):
        payload = RemoteAction(name, endpoints.action)._action_call_format(tracker, domain)
        assert "domain" not in payload
