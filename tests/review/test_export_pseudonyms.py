"""Conversation exports carry a stable pseudonym, never a WhatsApp number.

WhatsApp conversations are keyed by the patient's number: Meta's ``wa_id``
(digits) or Twilio's ``whatsapp:+880...``. CSV and JSON exports, on SQLite and
PostgreSQL, must show neither the number nor its digits, and the same
conversation must get the same pseudonym in every export.
"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Dict, Iterator, List

import pytest
import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered
from sqlalchemy.engine import Connection

from bot.review.export import conversations_csv, conversations_json, export_rows
from bot.review.pseudonyms import conversation_pseudonym, pseudonym_key
from tests.review import scenario
from tests.review.helpers import save_conversations, user

META_ID = "8801712345678"
TWILIO_ID = "whatsapp:+8801812345699"
WEB_ID = "9f1c2a7e0d4b4c1e8a517f2a9d3c4b10"
SECRET = "a test secret of more than thirty-two characters"
OTHER_SECRET = "another test secret, also longer than thirty-two"


@pytest.fixture
async def whatsapp_url(database_url: str, domain: Domain) -> str:
    at = scenario.DAY4
    await save_conversations(
        database_url,
        domain,
        {
            META_ID: [user("hello from Meta", "greet", 0.9, at=at, channel="whatsapp")],
            TWILIO_ID: [
                user("hello from Twilio", "greet", 0.9, at=at, channel="twilio_whatsapp"),
                BotUttered("Hello!", timestamp=at.timestamp() + 1),
            ],
            WEB_ID: [user("hello from the widget", "greet", 0.9, at=at)],
        },
    )
    return database_url


@pytest.fixture
def connection(whatsapp_url: str) -> Iterator[Connection]:
    engine = sa.create_engine(whatsapp_url, future=True)
    with engine.connect() as opened:
        yield opened
    engine.dispose()


def _csv_rows(text: str) -> List[Dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def _assert_no_number(text: str) -> None:
    digits = re.sub(r"\D", "", text)
    for number in ("1712345678", "1812345699"):
        assert number not in digits and number[-6:] not in text


IDS = [META_ID, TWILIO_ID, WEB_ID]


def test_csv_export_holds_pseudonyms_not_numbers(connection: Connection) -> None:
    key = pseudonym_key(SECRET)
    text = conversations_csv(connection, IDS, pseudonym_key=key)
    _assert_no_number(text)
    rows = _csv_rows(text)
    assert {row["conversation_id"] for row in rows} == {
        conversation_pseudonym(conversation_id, key) for conversation_id in IDS
    }
    assert len({row["conversation_id"] for row in rows}) == 3
    assert [row["text"] for row in rows if row["channel"] == "twilio_whatsapp"] == [
        "hello from Twilio",
        "Hello!",
    ]


def test_json_export_holds_pseudonyms_not_numbers(connection: Connection) -> None:
    key = pseudonym_key(SECRET)
    text = conversations_json(connection, IDS, pseudonym_key=key)
    _assert_no_number(text)
    rows = json.loads(text)
    assert {row["conversation_id"] for row in rows} == {
        conversation_pseudonym(conversation_id, key) for conversation_id in IDS
    }


def test_the_same_conversation_gets_the_same_pseudonym_in_every_export(
    connection: Connection,
) -> None:
    key = pseudonym_key(SECRET)
    first = {
        r["text"]: r["conversation_id"] for r in export_rows(connection, IDS, pseudonym_key=key)
    }
    alone = export_rows(connection, [TWILIO_ID], pseudonym_key=key)
    csv_rows = _csv_rows(conversations_csv(connection, [META_ID], pseudonym_key=key))
    assert alone[0]["conversation_id"] == first["hello from Twilio"]
    assert csv_rows[0]["conversation_id"] == first["hello from Meta"]
    # Another server secret gives other pseudonyms: they cannot be computed from a number alone.
    other = export_rows(connection, IDS, pseudonym_key=pseudonym_key(OTHER_SECRET))
    assert not {r["conversation_id"] for r in other} & set(first.values())


def test_pseudonyms_are_opaque_and_need_a_secret() -> None:
    key = pseudonym_key(SECRET)
    pseudonym = conversation_pseudonym(TWILIO_ID, key)
    assert re.fullmatch(r"conv-[0-9a-f]{20}", pseudonym)
    assert conversation_pseudonym("whatsapp:+8801812345698", key) != pseudonym
    with pytest.raises(ValueError, match="WIDGET_JWT_SECRET"):
        pseudonym_key("")
