"""The review page's "Right topic" choice starts empty and refuses a correction without one."""

from __future__ import annotations

import re

from tests.console.conftest import WEB_PATIENT, Console


def test_the_right_topic_starts_on_choose(console: Console) -> None:
    http = console.session("nurse")
    page = http.get(f"{console.url}/staff/conversations/{WEB_PATIENT}", timeout=10).text
    selects = re.findall(r'<select id="key-[^"]+" name="correct_key">(.*?)</select>', page, re.S)
    assert selects
    for options in selects:
        first = re.search(r"<option ([^>]*)>([^<]*)</option>", options)
        assert first is not None
        assert 'value=""' in first.group(1) and "selected" in first.group(1)
        assert first.group(2) == "choose…"


def test_saving_without_a_topic_is_refused_with_a_clear_message(console: Console) -> None:
    http = console.session("nurse")
    page = http.get(f"{console.url}/staff/conversations/{WEB_PATIENT}", timeout=10).text
    event_id = page.split('name="event_id" value="', 1)[1].split('"', 1)[0]
    refused = http.post(
        f"{console.url}/staff/conversations/{WEB_PATIENT}/annotations",
        data={"csrf_token": http.csrf, "event_id": event_id, "correct_key": ""},
        timeout=10,
    )
    assert (
        "Nothing was saved: choose the right topic in the list before saving a correction."
        in refused.text
    )
    assert "corrected to" not in refused.text
