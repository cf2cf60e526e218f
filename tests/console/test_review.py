"""Looking back in the console: log, transcript, corrections, exports, dashboard, audit."""

from __future__ import annotations

import csv
import io
import json

import yaml

from bot.review.pseudonyms import conversation_pseudonym, pseudonym_key
from tests.console.conftest import WEB_PATIENT, WHATSAPP_PATIENT, Console


def test_the_log_lists_filters_and_searches_conversations(console: Console) -> None:
    http = console.session("nurse")
    everything = http.get(f"{console.url}/staff/log", timeout=10).text
    assert "2 conversations" in everything
    urgent = http.get(f"{console.url}/staff/log", params={"urgent": "yes"}, timeout=10).text
    assert "1 conversation." in urgent and "WhatsApp •••00" in urgent
    bangla = http.get(f"{console.url}/staff/log", params={"language": "bn"}, timeout=10).text
    assert "WhatsApp •••00" in bangla and WEB_PATIENT[:8] not in bangla
    found = http.get(f"{console.url}/staff/log", params={"q": "জ্বর"}, timeout=10).text
    assert "1 conversation." in found
    channel = http.get(f"{console.url}/staff/log", params={"channel": "webchat"}, timeout=10).text
    assert WEB_PATIENT[:8] in channel and "WhatsApp •••00" not in channel


def test_the_transcript_shows_understanding_and_masks_numbers(console: Console) -> None:
    http = console.session("nurse")
    page = http.get(f"{console.url}/staff/conversations/{WEB_PATIENT}", timeout=10).text
    assert "faq/vro_what_is" in page and "(90%)" in page
    assert "[phone •••78]" in page
    assert "345678" not in page


def test_the_transcript_shows_the_page_a_message_was_sent_from(console: Console) -> None:
    http = console.session("nurse")
    url = f"{console.url}/staff/conversations/{WEB_PATIENT}"
    page = http.get(url, timeout=10).text
    # The first message came from the hip operation's page, the second says nothing of it.
    assert page.count("from the hip operation&#39;s page") == 1
    http.get(f"{console.url}/staff/language", params={"lang": "bn", "next": "/staff/"}, timeout=10)
    assert http.get(url, timeout=10).text.count("হিপের অপারেশনের পাতা থেকে") == 1


def test_a_correction_is_exported_as_rasa_nlu_yaml(console: Console) -> None:
    http = console.session("nurse")
    page = http.get(f"{console.url}/staff/conversations/{WEB_PATIENT}", timeout=10).text
    event_id = page.split('name="event_id" value="', 1)[1].split('"', 1)[0]
    saved = http.post(
        f"{console.url}/staff/conversations/{WEB_PATIENT}/annotations",
        data={"csrf_token": http.csrf, "event_id": event_id, "correct_key": "faq/hip_anatomy"},
        timeout=10,
    )
    assert "Correction saved" in saved.text
    refused = http.post(
        f"{console.url}/staff/conversations/{WEB_PATIENT}/annotations",
        data={"csrf_token": http.csrf, "event_id": event_id, "correct_key": "made_up_key"},
        timeout=10,
    )
    assert "Choose the right topic" in refused.text

    exported = http.get(f"{console.url}/staff/export/corrections.yml", timeout=10)
    assert exported.headers["Content-Disposition"].startswith("attachment")
    nlu = yaml.safe_load(exported.text)
    [block] = [b for b in nlu["nlu"] if b["intent"] == "faq/hip_anatomy"]
    assert "[phone •••78]" in block["examples"] and "345678" not in block["examples"]


def test_admins_export_conversations_masked(console: Console) -> None:
    admin = console.session("admin")
    text = admin.get(f"{console.url}/staff/export/conversations.csv", timeout=10).text
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows and "345678" not in text
    body = admin.get(f"{console.url}/staff/export/conversations.json", timeout=10).text
    data = json.loads(body)
    # Conversation ids are replaced by pseudonyms keyed by the server's secret
    # (the fixture's WIDGET_JWT_SECRET): a WhatsApp number never leaves in an export.
    key = pseudonym_key("w" * 40)
    pseudonyms = {conversation_pseudonym(p, key) for p in (WEB_PATIENT, WHATSAPP_PATIENT)}
    assert {row["conversation_id"] for row in data} >= pseudonyms
    assert {row["conversation_id"] for row in rows} >= pseudonyms
    for exported in (text, body):
        assert WHATSAPP_PATIENT[2:] not in exported and WEB_PATIENT not in exported
    audit = admin.get(f"{console.url}/staff/audit", timeout=10).text
    for action in ("export.conversations_csv", "export.conversations_json", "transcript.viewed"):
        assert action in audit


def test_the_dashboard_draws_its_charts(console: Console) -> None:
    page = console.session("nurse").get(f"{console.url}/staff/dashboard", timeout=10).text
    assert page.count("<svg") == 2
    assert "Urgent conversations" in page


def test_marking_reviewed_shows_in_the_log(console: Console) -> None:
    http = console.session("nurse")
    http.post(
        f"{console.url}/staff/conversations/{WHATSAPP_PATIENT}/reviewed",
        data={"csrf_token": http.csrf},
        timeout=10,
    )
    reviewed = http.get(f"{console.url}/staff/log", params={"reviewed": "yes"}, timeout=10).text
    assert "WhatsApp •••00" in reviewed
