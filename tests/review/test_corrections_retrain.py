"""The review loop end to end: correct a message in review, export, retrain, answer right.

A reviewer marks what a misunderstood patient message meant; the console
exports the corrections as Rasa NLU YAML; the project's data plus that file
train a new model (the same `rasa train nlu` the Makefile runs, seconds with
the topic classifier); the new model answers the message with the corrected
topic, where the model before it did not.
"""

from __future__ import annotations

import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from rasa.core.agent import Agent
from rasa.model_training import train_nlu
from rasa.shared.core.domain import Domain

from bot.evaluation.metrics import predicted_key
from bot.evaluation.model_diff import Labelled, parsed_report
from bot.evaluation.real_questions import Item
from bot.review.export import corrections_nlu_yaml
from bot.review.transcripts import transcript
from bot.storage import repository
from bot.storage.engine import engine_for, session_factory
from tests.conftest import PROJECT_ROOT
from tests.review.helpers import fresh_database, save_conversations, user

# Made-up Banglish that no training example resembles, with no word of
# bot/nlu/concepts.yml: "in which cup does the knob sit?". The reviewer says
# it asks about hip anatomy.
MISUNDERSTOOD = "mundu kon batite boshe thake"
CORRECT_KEY = "faq/hip_anatomy"


def corrections_from_review(url: str) -> str:
    """Store the misunderstood message, annotate it as a reviewer would, export."""
    engine = engine_for(url)
    try:
        with session_factory(engine).begin() as session:
            staff_id = repository.create_staff(
                session=session,
                username="reviewer",
                display_name="Dr Reviewer",
                password_hash="argon2$not-a-real-hash",
                role="admin",
            ).id
        with engine.connect() as connection:
            [message] = transcript(connection, "loop").patient_messages
        with session_factory(engine).begin() as session:
            repository.save_annotation(
                session=session,
                conversation_id="loop",
                event_id=message.event_id,
                correct_key=CORRECT_KEY,
                created_by_id=staff_id,
            )
        with engine.connect() as connection:
            return corrections_nlu_yaml(connection)
    finally:
        engine.dispose()


def trained_model() -> Path:
    """The newest model `make train` wrote (make test trains first)."""
    models = sorted((PROJECT_ROOT / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not models:
        pytest.fail("no trained model: run `make train` (make test does it)")
    return models[-1]


async def answer(model: Path, text: str) -> str:
    agent = Agent.load(str(model))
    return predicted_key(await agent.parse_message(text))


async def test_a_reviewers_correction_retrains_into_the_right_answer(tmp_path: Path) -> None:
    url = fresh_database("sqlite", tmp_path, "unused")
    domain = Domain.load(str(PROJECT_ROOT / "domain.yml"))
    at = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)
    await save_conversations(
        url, domain, {"loop": [user(MISUNDERSTOOD, "nlu_fallback", 0.2, at=at)]}
    )
    exported = corrections_from_review(url)
    assert f"- intent: {CORRECT_KEY}" in exported and MISUNDERSTOOD in exported

    # Before: the model `make train` built from the same data and config.
    before_path = trained_model()
    data = tmp_path / "data"
    shutil.copytree(PROJECT_ROOT / "data", data)
    (data / "nlu" / "corrections.yml").write_text(exported, encoding="utf-8")
    after_path = train_nlu(
        config=str(PROJECT_ROOT / "config.yml"),
        nlu_data=str(data),
        output=str(tmp_path / "after"),
        domain=str(PROJECT_ROOT / "domain.yml"),
    )

    assert await answer(Path(before_path), MISUNDERSTOOD) != CORRECT_KEY
    assert await answer(Path(after_path), MISUNDERSTOOD) == CORRECT_KEY
    # `make compare-models` shows the reviewer the answer the correction gained.
    diff = await parsed_report(
        Path(before_path),
        Path(after_path),
        [Labelled("review", Item(MISUNDERSTOOD, CORRECT_KEY, lang="bn_latn"))],
    )
    assert diff["by_kind"]["gained"] == 1
    assert diff["changes"][0]["after"] == CORRECT_KEY
    engine = engine_for(url)
    try:
        with engine.connect() as connection:
            count = sa.text("select count(*) from clinic_review_annotations")
            assert connection.execute(count).scalar() == 1
    finally:
        engine.dispose()
