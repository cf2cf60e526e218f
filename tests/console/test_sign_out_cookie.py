"""Signing out clears the console cookie on the path it was set on."""

from __future__ import annotations

import requests

from bot.console.web import COOKIE, PREFIX
from tests.console.conftest import Console


def test_signing_out_clears_the_cookie_on_its_own_path(console: Console) -> None:
    http = console.session("nurse")
    assert http.cookies.get(COOKIE, path=PREFIX)
    reply = http.post(
        f"{console.url}/staff/logout",
        data={"csrf_token": http.csrf},
        allow_redirects=False,
        timeout=10,
    )
    assert reply.status_code in (302, 303)
    cleared = reply.headers["Set-Cookie"]
    assert cleared.startswith(f"{COOKIE}=")
    assert f"Path={PREFIX};" in cleared + ";"
    assert "Max-Age=0" in cleared
    # The browser's jar holds the cookie under /staff; a clearing header on
    # another path would leave it there.
    assert COOKIE not in requests.utils.dict_from_cookiejar(http.cookies)
