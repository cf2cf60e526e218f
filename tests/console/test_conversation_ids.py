"""Conversation ids with URL-reserved characters through the whole handoff (issue 11 row 2).

Every Twilio conversation id looks like ``whatsapp:+8801712345678``; old REST
clients sent any text. The console must find such a conversation from its
links, take it over, reply, hand it back, mark it reviewed and delete it, each
acting on exactly that conversation. The fake Rasa reads the id from the raw
path as Rasa's own routes do (never decoded).
"""

from __future__ import annotations

import asyncio
import html
import re
from typing import Dict, Iterator, List

import pytest
import requests
import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.console.conversation_links import conversation_path, decode_conversation_id
from bot.storage.engine import engine_for, session_factory
from bot.storage.models import AuditLogEntry, ReviewAnnotation, ReviewedConversation
from bot.storage.rasa_events import events_table
from bot.storage.tracker_store import DatabaseUrlTrackerStore
from tests import factories
from tests.console.conftest import PROJECT_ROOT, Console, FakeRasa, json_of

# Ids Rasa's HTTP API can name (every printable ASCII character but ? and #) ...
ADDRESSABLE = {
    "twilio": "whatsapp:+8801712345678",
    "slash": "rest/2026/ward-3",
    "percent": "sale%2F50%",
}
# ... and ids only an old REST client could have made, which it cannot.
UNADDRESSABLE = {
    "question": "who?x=1&y=2",
    "hash": "ward#7",
    "space": "two words",
    "bangla": "রোগী-১৭",
}
IDS = {**ADDRESSABLE, **UNADDRESSABLE}
CONVERSATION_LINK = re.compile(r'href="(/staff/conversations/[^"]+)"')


def message_of(key: str) -> str:
    return f"patient message number {key}"


async def seed(database_url: str) -> None:
    """One stored conversation and one open handoff for each id."""
    domain = Domain.load(str(PROJECT_ROOT / "domain.yml"))
    store = DatabaseUrlTrackerStore(domain=domain, database_url=database_url)
    channel = {key: "rest" for key in IDS} | {"twilio": "twilio_whatsapp"}
    for key, conversation_id in IDS.items():
        intent = {"name": "request_human", "confidence": 0.9}
        await store.save(
            DialogueStateTracker.from_events(
                conversation_id,
                [
                    ActionExecuted("action_listen"),
                    UserUttered(message_of(key), intent, input_channel=channel[key]),
                    ActionExecuted("action_handoff"),
                ],
                slots=domain.slots,
            )
        )
    store.engine.dispose()
    with factories.clinic_session(database_url) as session:
        for key, conversation_id in IDS.items():
            factories.handoff(
                session, conversation_id, channel=channel[key], urgent=key == "twilio",
                reason="urgent" if key == "twilio" else "requested", language="en",
            )  # fmt: skip


@pytest.fixture(scope="module")
def seeded(console: Console) -> Iterator[Console]:
    asyncio.run(seed(console.database_url))
    yield console


def conversation_links(page: str) -> List[str]:
    return [html.unescape(link) for link in CONVERSATION_LINK.findall(page)]


def open_from_queue(console: Console, http: requests.Session, key: str) -> requests.Response:
    """Follow the queue's links until the one showing this conversation's messages."""
    queue = http.get(f"{console.url}/staff/", timeout=10).text
    for link in conversation_links(queue):
        page = http.get(console.url + link, timeout=10)
        if message_of(key) in page.text:
            return page
    raise AssertionError(f"no link in the queue opens the {key} conversation")


def open_from_log(console: Console, http: requests.Session, key: str) -> str:
    """The conversation page, found through the log (its handoff may be closed)."""
    log = http.get(f"{console.url}/staff/log", params={"date_from": ""}, timeout=10).text
    for link in conversation_links(log):
        page = http.get(console.url + link, timeout=10)
        if message_of(key) in page.text:
            return page.text
    raise AssertionError(f"no link in the log opens the {key} conversation")


def form_on(page: str, action_ending: str) -> Dict[str, str]:
    """The action and hidden fields of the form whose action ends with ``action_ending``."""
    for form in re.findall(r"<form[^>]*>.*?</form>", page, flags=re.S):
        action = html.unescape(re.search(r'action="([^"]*)"', form)[1])
        if action.endswith(action_ending):
            fields = re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', form)
            return {"action": action, **{name: html.unescape(value) for name, value in fields}}
    raise AssertionError(f"no form for {action_ending}")


def post_form(
    console: Console, http: requests.Session, page: str, action_ending: str, **extra: str
) -> requests.Response:
    """Submit that form as the browser would (hidden fields included)."""
    form = form_on(page, action_ending)
    action = form.pop("action")
    return http.post(console.url + action, data={**form, **extra}, timeout=10)


def open_handoff_ids(console: Console, http: requests.Session) -> Dict[str, int]:
    queue = json_of(http.get(f"{console.url}/staff/api/queue", timeout=10))
    return {h["conversation_id"]: h["id"] for h in queue["handoffs"]}


@pytest.mark.parametrize("conversation_id", list(IDS.values()), ids=list(IDS))
def test_links_encode_the_id_into_one_segment_and_decode_back(conversation_id: str) -> None:
    path = conversation_path(conversation_id, "reviewed")
    prefix, segment, action = path.rsplit("/", 2)
    assert (prefix, action) == ("/staff/conversations", "reviewed")
    assert decode_conversation_id(segment) == conversation_id


@pytest.mark.parametrize("key", list(IDS))
def test_the_queue_opens_the_conversation_with_its_messages(seeded: Console, key: str) -> None:
    http = seeded.session("nurse")
    assert IDS[key] in open_handoff_ids(seeded, http)
    page = open_from_queue(seeded, http, key)
    assert page.status_code == 200
    assert "Take over this conversation" in page.text
    # The transcript the page polls shows the same messages.
    transcript = re.search(r'id="transcript" data-src="([^"]+)"', page.text)[1]
    fragment = http.get(seeded.url + html.unescape(transcript), timeout=10)
    assert message_of(key) in fragment.text


@pytest.mark.parametrize("key", list(ADDRESSABLE))
def test_take_over_reply_and_hand_back_act_on_the_conversation(
    seeded: Console, fake_rasa: FakeRasa, key: str
) -> None:
    http = seeded.session("nurse")
    page = open_from_queue(seeded, http, key).text
    fake_rasa.calls.clear()

    claimed = post_form(seeded, http, page, "/claim")
    assert "You have taken over" in claimed.text
    assert message_of(key) in claimed.text  # back on the same conversation
    assert {call["conversation"] for call in fake_rasa.calls} == {IDS[key]}
    assert fake_rasa.paused[IDS[key]] is True

    fake_rasa.calls.clear()
    sent = post_form(seeded, http, claimed.text, "/reply", text="Hello from the clinic.")
    assert "Sent." in sent.text and message_of(key) in sent.text
    [reply] = fake_rasa.calls
    assert reply["conversation"] == IDS[key]
    assert reply["body"][0]["text"] == "Hello from the clinic."

    fake_rasa.calls.clear()
    closed = post_form(seeded, http, sent.text, "/close")
    assert "The assistant has resumed" in closed.text
    assert {call["conversation"] for call in fake_rasa.calls} == {IDS[key]}
    assert fake_rasa.paused[IDS[key]] is False
    assert IDS[key] not in open_handoff_ids(seeded, http)


@pytest.mark.parametrize("key", list(UNADDRESSABLE))
def test_an_id_rasa_cannot_name_is_refused_clearly_and_can_still_be_closed(
    seeded: Console, fake_rasa: FakeRasa, key: str
) -> None:
    http = seeded.session("nurse")
    page = open_from_queue(seeded, http, key).text
    fake_rasa.calls.clear()

    refused = post_form(seeded, http, page, "/claim")
    assert "cannot be taken over here" in refused.text
    assert message_of(key) in refused.text
    assert fake_rasa.calls == []
    assert IDS[key] in open_handoff_ids(seeded, http)

    closed = post_form(seeded, http, refused.text, "/close")
    assert "Closed." in closed.text
    assert fake_rasa.calls == []
    assert IDS[key] not in open_handoff_ids(seeded, http)


def stored(console: Console, conversation_id: str) -> Dict[str, object]:
    """What the database holds about one conversation: events, review mark, audit targets."""
    engine = engine_for(console.database_url)
    try:
        with session_factory(engine)() as session:
            events = session.execute(
                sa.select(sa.func.count()).where(events_table.c.sender_id == conversation_id)
            ).scalar_one()
            reviewed = session.get(ReviewedConversation, conversation_id) is not None
            corrections = list(
                session.execute(
                    sa.select(ReviewAnnotation.correct_key).where(
                        ReviewAnnotation.conversation_id == conversation_id
                    )
                ).scalars()
            )
            targets = set(session.execute(sa.select(AuditLogEntry.target)).scalars())
    finally:
        engine.dispose()
    return {
        "events": events,
        "reviewed": reviewed,
        "corrections": corrections,
        "audited": targets,
    }


@pytest.mark.parametrize("key", list(IDS))
def test_correct_mark_reviewed_and_delete_act_on_the_conversation(
    seeded: Console, key: str
) -> None:
    nurse = seeded.session("nurse")
    page = open_from_log(seeded, nurse, key)
    corrected = post_form(seeded, nurse, page, "/annotations", correct_key="greet")
    assert "Correction saved." in corrected.text and message_of(key) in corrected.text
    reviewed = post_form(seeded, nurse, corrected.text, "/reviewed")
    assert "Marked as reviewed." in reviewed.text and message_of(key) in reviewed.text
    before = stored(seeded, IDS[key])
    assert before["events"] > 0 and before["reviewed"] is True
    assert before["corrections"] == ["greet"]

    admin = seeded.session("admin")
    page = open_from_log(seeded, admin, key)
    deleted = post_form(seeded, admin, page, "/delete")
    assert deleted.status_code == 200 and deleted.url.startswith(f"{seeded.url}/staff/log")
    after = stored(seeded, IDS[key])
    assert (after["events"], after["reviewed"]) == (0, False)
    assert f"conversation:{IDS[key]}" in after["audited"]


def test_a_damaged_link_gets_a_clear_error(seeded: Console) -> None:
    http = seeded.session("nurse")
    page = http.get(f"{seeded.url}/staff/conversations/%E0%A6", timeout=10)
    assert page.status_code == 400
    assert "This conversation link is damaged." in page.text
