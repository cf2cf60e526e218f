"""Signed chat sessions: issued by the web process, checked by the Rasa channel."""

import time

import jwt
import pytest

from bot.session_tokens import AUDIENCE, bearer_token, issue_session, verify_session

SECRET = "s" * 48


def test_new_session_round_trip() -> None:
    session = issue_session(SECRET)
    assert len(session.session_id) == 32
    assert verify_session(SECRET, session.token) == session.session_id
    assert session.expires_at > time.time() + 29 * 24 * 3600


def test_renewal_keeps_the_session_id() -> None:
    first = issue_session(SECRET)
    renewed = issue_session(SECRET, verify_session(SECRET, first.token))
    assert renewed.session_id == first.session_id


@pytest.mark.parametrize(
    "token",
    [
        None,
        "",
        "not-a-jwt",
        42,
        {"sub": "x"},
        "a" * 5000,
        jwt.encode(
            {"sub": "0" * 32, "aud": AUDIENCE, "exp": time.time() + 60}, "other-secret", "HS256"
        ),
        jwt.encode(
            {"sub": "0" * 32, "aud": "someone-else", "exp": time.time() + 60}, SECRET, "HS256"
        ),
        jwt.encode({"sub": "0" * 32, "aud": AUDIENCE}, SECRET, "HS256"),
        jwt.encode({"sub": "../../etc", "aud": AUDIENCE, "exp": time.time() + 60}, SECRET, "HS256"),
        jwt.encode({"sub": "0" * 32, "aud": AUDIENCE, "exp": time.time() + 60}, None, "none"),
    ],
    ids=[
        "none",
        "empty",
        "garbage",
        "number",
        "dict",
        "huge",
        "other-key",
        "other-audience",
        "no-expiry",
        "odd-session-id",
        "unsigned",
    ],
)
def test_forged_or_malformed_tokens_are_refused(token: object) -> None:
    assert verify_session(SECRET, token) is None


def test_tampered_session_id_is_refused() -> None:
    session = issue_session(SECRET)
    header, payload, signature = session.token.split(".")
    forged_payload = jwt.utils.base64url_encode(
        jwt.utils.base64url_decode(payload).replace(session.session_id.encode(), b"f" * 32)
    ).decode()
    assert verify_session(SECRET, f"{header}.{forged_payload}.{signature}") is None


def test_expired_token_is_refused() -> None:
    old = issue_session(SECRET, now=time.time() - 31 * 24 * 3600)
    assert verify_session(SECRET, old.token) is None


def test_without_a_secret_nothing_is_issued_or_accepted() -> None:
    with pytest.raises(ValueError):
        issue_session("")
    assert verify_session("", issue_session(SECRET).token) is None


@pytest.mark.parametrize(
    ("header", "token"),
    [
        ("Bearer abc", "abc"),
        ("bearer  abc ", "abc"),
        ("Basic abc", None),
        ("Bearer ", None),
        (None, None),
    ],
)
def test_bearer_token(header, token) -> None:
    assert bearer_token(header) == token
