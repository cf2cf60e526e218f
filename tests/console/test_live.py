"""The live queue and the handoff buttons, against a fake Rasa HTTP API."""

from __future__ import annotations

import pytest

from tests.console.conftest import WEB_PATIENT, WHATSAPP_PATIENT, Console, FakeRasa, json_of


def handoff_id(console: Console, http, conversation: str) -> int:
    queue = json_of(http.get(f"{console.url}/staff/api/queue", timeout=10))
    return next(h["id"] for h in queue["handoffs"] if h["conversation_id"] == conversation)


def test_the_queue_puts_urgent_first_and_hides_phone_numbers(console: Console) -> None:
    http = console.session("nurse")
    queue = json_of(http.get(f"{console.url}/staff/api/queue", timeout=10))
    assert [h["conversation_id"] for h in queue["handoffs"]][:2] == [WHATSAPP_PATIENT, WEB_PATIENT]
    assert queue["urgent_open"] == [queue["handoffs"][0]["id"]]
    page = http.get(f"{console.url}/staff/", timeout=10).text
    assert "URGENT" in page
    assert "WhatsApp •••00" in page
    assert WHATSAPP_PATIENT not in page.replace(f"/staff/conversations/{WHATSAPP_PATIENT}", "")


def test_take_over_reply_and_close(console: Console, fake_rasa: FakeRasa) -> None:
    http = console.session("nurse")
    handoff = handoff_id(console, http, WEB_PATIENT)
    form = {"csrf_token": http.csrf, "conversation_id": WEB_PATIENT}
    fake_rasa.calls.clear()

    claimed = http.post(f"{console.url}/staff/handoffs/{handoff}/claim", data=form, timeout=10)
    assert "You have taken over" in claimed.text
    pause, joined = fake_rasa.calls
    assert pause["path"] == "tracker/events"
    assert pause["body"] == [
        {"event": "slot", "name": "staff_name", "value": "Nurse Rahima"},
        {"event": "pause"},
    ]
    assert pause["query"]["token"] == "console-test-token"
    assert (joined["path"], joined["body"]) == ("execute", {"name": "utter_staff_joined"})
    assert joined["query"]["output_channel"] == "latest"

    fake_rasa.calls.clear()
    sent = http.post(
        f"{console.url}/staff/handoffs/{handoff}/reply",
        data={**form, "text": "Hello, I am Rahima from the clinic."},
        timeout=10,
    )
    assert "Sent." in sent.text
    [reply] = fake_rasa.calls
    assert reply["body"] == [
        {
            "event": "bot",
            "text": "Hello, I am Rahima from the clinic.",
            "metadata": {"staff": True, "staff_name": "Nurse Rahima"},
        }
    ]
    assert reply["query"]["execute_side_effects"] == "true"
    assert reply["query"]["output_channel"] == "latest"

    other = console.session("nurse2")
    refused = other.post(
        f"{console.url}/staff/handoffs/{handoff}/reply",
        data={"csrf_token": other.csrf, "conversation_id": WEB_PATIENT, "text": "hi"},
        timeout=10,
    )
    assert "Take over the conversation before replying" in refused.text

    fake_rasa.calls.clear()
    closed = http.post(f"{console.url}/staff/handoffs/{handoff}/close", data=form, timeout=10)
    assert "The assistant has resumed" in closed.text
    paths = [(c["method"], c["path"]) for c in fake_rasa.calls]
    assert paths == [
        ("GET", "tracker"),
        ("POST", "tracker/events"),
        ("POST", "execute"),
        ("POST", "tracker/events"),
    ]
    assert fake_rasa.calls[1]["body"] == [{"event": "resume"}]
    assert fake_rasa.calls[2]["body"] == {"name": "utter_handoff_resumed"}
    assert fake_rasa.calls[3]["body"] == [{"event": "action", "name": "action_listen"}]
    queue = json_of(http.get(f"{console.url}/staff/api/queue", timeout=10))
    assert WEB_PATIENT not in [h["conversation_id"] for h in queue["handoffs"]]


@pytest.mark.parametrize("text", ["", "   ", "x" * 2001])
def test_empty_or_huge_replies_are_refused(
    console: Console, fake_rasa: FakeRasa, text: str
) -> None:
    http = console.session("nurse2")
    handoff = handoff_id(console, http, WHATSAPP_PATIENT)
    form = {"csrf_token": http.csrf, "conversation_id": WHATSAPP_PATIENT}
    http.post(f"{console.url}/staff/handoffs/{handoff}/claim", data=form, timeout=10)
    fake_rasa.calls.clear()
    reply = http.post(
        f"{console.url}/staff/handoffs/{handoff}/reply", data={**form, "text": text}, timeout=10
    )
    assert 'class="error"' in reply.text
    assert fake_rasa.calls == []


def test_whatsapp_replies_stop_after_the_24_hour_window(console: Console) -> None:
    # The seeded WhatsApp message was stored with the current time, so the
    # window is open: the page says until when.
    http = console.session("nurse2")
    page = http.get(f"{console.url}/staff/conversations/{WHATSAPP_PATIENT}", timeout=10).text
    assert "free-form replies are possible until" in page
