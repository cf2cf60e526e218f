"""The console's language for each member of staff: a cookie set by the header's switch.

``GET /staff/language?lang=bn&next=/staff/log`` sets the cookie and goes back
to the page it came from. The route is open before sign-in (the sign-in page
has the switch too); it changes nothing but how the console's own texts read.
"""

from __future__ import annotations

from typing import Optional

from sanic.request import Request
from sanic.response import HTTPResponse

from bot.console.strings import DEFAULT_LANGUAGE, STRINGS, supported_language

LANGUAGE_COOKIE = "clinic_staff_lang"
ONE_YEAR_SECONDS = 365 * 24 * 3600


def request_language(request: Request) -> str:
    """The console language this browser chose (English until it chooses)."""
    return supported_language(request.cookies.get(LANGUAGE_COOKIE))


def chosen_language(raw: Optional[str]) -> Optional[str]:
    """The language a switch link asks for, or ``None`` when it is not one the console has."""
    return raw if raw in STRINGS else None


def set_language_cookie(resp: HTTPResponse, language: str, path: str, secure: bool) -> None:
    """Remember ``language`` for a year on the console's path."""
    resp.cookies[LANGUAGE_COOKIE] = language or DEFAULT_LANGUAGE
    cookie = resp.cookies[LANGUAGE_COOKIE]
    cookie["path"] = path
    cookie["max-age"] = ONE_YEAR_SECONDS
    cookie["samesite"] = "Lax"
    cookie["httponly"] = True
    cookie["secure"] = secure
