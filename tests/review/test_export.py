"""Exports: corrections as Rasa NLU YAML (read back by Rasa), conversations as CSV/JSON."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from typing import Dict, List

import pytest
import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader
from rasa.shared.nlu.training_data.loading import load_data
from sqlalchemy.engine import Connection

from bot.review.export import (
    EXPORT_FIELDS,
    conversations_csv,
    conversations_json,
    corrections_nlu_yaml,
    defuse_formula,
    export_rows,
)
from bot.review.pseudonyms import configured_pseudonym_key, conversation_pseudonym
from bot.review.transcripts import transcript
from bot.storage import repository
from bot.storage.engine import engine_for, session_factory
from bot.storage.models import utc_now
from tests.review import scenario
from tests.review.helpers import save_conversations, user

MARKUP_TEXT = '[knee](pain) hurts\nafter: #surgery | - "yes" {x}'


def _annotate(url: str, staff_id: int, verdicts: List[tuple]) -> None:
    """Save ``(conversation_id, event_id, correct_key)`` verdicts in the given order."""
    engine = engine_for(url)
    try:
        for conversation_id, event_id, key in verdicts:
            with session_factory(engine).begin() as session:
                repository.save_annotation(
                    session=session,
                    conversation_id=conversation_id,
                    event_id=event_id,
                    correct_key=key,
                    created_by_id=staff_id,
                )
    finally:
        engine.dispose()


def _message_ids(connection: Connection, conversation_id: str) -> List[int]:
    ids = [m.event_id for m in transcript(connection, conversation_id).patient_messages]
    connection.commit()
    return ids


def _examples(yaml_text: str) -> Dict[str, List[str]]:
    data = RasaYAMLReader().reads(yaml_text)
    examples: Dict[str, List[str]] = {}
    for message in data.intent_examples:
        key = message.get("intent_response_key") or message.get("intent")
        examples.setdefault(key, []).append(message.get("text"))
    assert all(not message.get("entities") for message in data.intent_examples)
    return examples


@pytest.fixture
async def annotated(clinic_url: str, domain: Domain, connection: Connection, staff_id: int) -> str:
    at = scenario.DAY4 + timedelta(hours=2)
    await save_conversations(
        clinic_url,
        domain,
        {
            "dup": [user("  What is a DFO   exactly ", "faq", 0.6, at=at)],
            "markup": [user(MARKUP_TEXT, "nlu_fallback", 0.2, at=at)],
            "again": [user("HELLO", "greet", 0.9, at=at)],
        },
    )
    connection.commit()
    faq = _message_ids(connection, "faq-en")
    fallback = _message_ids(connection, "fallback-latn")
    _annotate(
        clinic_url,
        staff_id,
        [
            ("faq-en", faq[0], "faq/dfo_what_is"),
            ("faq-en", faq[2], "faq/dfo_what_is"),
            ("dup", _message_ids(connection, "dup")[0], "faq/dfo_what_is"),
            ("fallback-latn", fallback[0], "faq/vro_implant_removal"),
            ("fallback-latn", fallback[1], "out_of_scope"),
            ("urgent-bn", _message_ids(connection, "urgent-bn")[0], "urgent_symptoms"),
            ("button", _message_ids(connection, "button")[0], "faq/vro_recovery"),
            ("markup", _message_ids(connection, "markup")[0], "faq/dfo_recovery"),
            ("old", _message_ids(connection, "old")[0], "greet"),
            # Later verdict on the same words: only this one is kept.
            ("again", _message_ids(connection, "again")[0], "bot_challenge"),
            # Not an intent name; and an event of another conversation.
            ("faq-en", faq[1], "faq/dfo recovery!"),
            ("old", faq[3], "thank"),
        ],
    )
    return clinic_url


def test_corrections_are_rasa_training_data(annotated: str, connection: Connection) -> None:
    text = corrections_nlu_yaml(connection)
    assert text.splitlines()[2] == 'version: "3.1"'
    assert "345678" not in text
    assert _examples(text) == {
        "faq/dfo_recovery": ['[knee] (pain) hurts after: #surgery | - "yes" {x}'],
        "faq/dfo_what_is": [
            "What is a DFO? Please call me on [phone •••78]",
            "What is a DFO exactly",  # the later, de-duplicated spelling
        ],
        "faq/vro_implant_removal": ["hip er plate kobe khulbe"],
        "out_of_scope": [scenario.FORMULA_TEXT],
        "urgent_symptoms": ["অপারেশনের পর জ্বর হ\u09af\u09bcেছে আর ক্ষত থেকে পুঁজ পড়ছে"],
        "bot_challenge": ["HELLO"],
    }


def test_corrections_file_loads_like_the_projects_data(
    annotated: str, connection: Connection, tmp_path
) -> None:
    path = tmp_path / "corrections.yml"
    path.write_text(corrections_nlu_yaml(connection), encoding="utf-8")
    data = load_data(str(path))
    assert len(data.intent_examples) == 7
    assert {m.get("intent") for m in data.intent_examples} == {
        "faq", "out_of_scope", "urgent_symptoms", "bot_challenge",
    }  # fmt: skip


def test_corrections_by_period(annotated: str, connection: Connection) -> None:
    future = utc_now() + timedelta(days=1)
    empty = corrections_nlu_yaml(connection, since=future)
    assert "nlu: []" in empty
    assert RasaYAMLReader().reads(empty).intent_examples == []
    assert _examples(corrections_nlu_yaml(connection, until=future))


def test_conversations_csv(connection: Connection) -> None:
    text = conversations_csv(connection, ["fallback-latn", "urgent-bn", "never-seen"])
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert tuple(rows[0]) == EXPORT_FIELDS
    formula = next(r for r in rows if "HYPERLINK" in r["text"])
    assert formula["text"] == "'" + scenario.FORMULA_TEXT
    assert (formula["sender"], formula["intent"], formula["confidence"]) == (
        "patient", "out_of_scope", "0.72",
    )  # fmt: skip
    assert {r["conversation_id"] for r in rows} == {
        conversation_pseudonym(conversation_id, configured_pseudonym_key())
        for conversation_id in ("fallback-latn", "urgent-bn")
    }
    staff = next(r for r in rows if r["sender"] == "staff")
    assert "[phone •••78]" in staff["text"] and "01812345678" not in text
    assert (staff["channel"], staff["language"]) == ("whatsapp", "bn")
    first = rows[0]
    assert first["time"] == scenario.DAY3.isoformat(timespec="milliseconds")
    assert (first["channel"], first["language"]) == ("rest", "bn_latn")
    unsure = next(r for r in rows if r["answer_key"])
    assert unsure["answer_key"] == "faq/vro_hospital_stay"
    urgent = conversation_pseudonym("urgent-bn", configured_pseudonym_key())
    assert [r["sender"] for r in rows if r["conversation_id"] == urgent] == [
        "patient", "assistant", "staff", "patient", "assistant",
    ]  # fmt: skip


def test_conversations_json_matches_the_rows(connection: Connection) -> None:
    text = conversations_json(connection, ["faq-en", "urgent-bn"])
    rows = json.loads(text)
    assert rows == export_rows(connection, ["faq-en", "urgent-bn"])
    assert "জ্বর" in text  # not \u-escaped
    assert "345678" not in text
    assert rows[0]["confidence"] == 0.93 and rows[0]["time"].endswith("+00:00")


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "\uff1dcmd"])
def test_formula_cells_are_defused(value: str) -> None:
    assert defuse_formula(value) == "'" + value


def test_ordinary_cells_are_left_alone() -> None:
    assert defuse_formula("what is a dfo") == "what is a dfo"
    assert defuse_formula("") == ""


def test_exports_from_a_database_rasa_has_not_written_to_yet(database_url: str) -> None:
    engine = sa.create_engine(database_url, future=True)
    try:
        with engine.connect() as connection:
            assert "nlu: []" in corrections_nlu_yaml(connection)
            assert export_rows(connection, ["anyone"]) == []
            assert conversations_json(connection, []) == "[]"
    finally:
        engine.dispose()
