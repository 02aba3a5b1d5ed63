"""A stolen session, token or socket after a password change or reset, and the socket's
Origin check (issue 18, items 3 and 4)."""

from __future__ import annotations

import re

import pytest
from channels.db import database_sync_to_async
from django.core import mail
from django.test import Client

from plaza.core.realtime import publish_on_commit
from plaza.core.testing import CONNECT_TIMEOUT, PASSWORD
from plaza.core.tests.test_websocket import build_world, receive_type, run, socket

pytestmark = pytest.mark.django_db(transaction=True)

NEW_PASSWORD = "another-horse-staple-42"


@pytest.fixture
def world_t(db):
    return build_world()


def signed_in(user) -> Client:
    client = Client()
    assert client.login(email=user.email, password=PASSWORD)
    return client


def cookie_of(client: Client) -> str:
    return f"sessionid={client.cookies['sessionid'].value}"


def me_status(client: Client | None, token: str | None = None) -> int:
    if token:
        return Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code
    assert client is not None
    return client.get("/api/v1/me").status_code


def change_password(client: Client, *, keep_tokens: bool) -> None:
    data = {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    if keep_tokens:
        data["keep_tokens"] = "on"
    response = client.post("/accounts/password/change/", data)
    assert response.status_code == 302, response.content[:500]


async def closed_with(comm, code: int = 4401) -> bool:
    """Wait (bounded) for the server to close the socket; True when it closed with ``code``."""
    while True:
        message = await comm.receive_output(timeout=2)
        if message["type"] == "websocket.close":
            return message.get("code") == code


@pytest.mark.parametrize("keep_tokens", [False, True])
def test_password_change_cuts_off_other_sessions_sockets_and_tokens(world_t, keep_tokens):
    bob = world_t.bob
    mine, thief = signed_in(bob.user), signed_in(bob.user)
    thief_cookie = cookie_of(thief)

    async def scenario():
        thief_socket = socket(cookie=thief_cookie, origin="http://127.0.0.1:8000")
        token_socket = socket(f"/ws/?token={bob.token}")
        assert (await thief_socket.connect(timeout=CONNECT_TIMEOUT))[0] and (await token_socket.connect(timeout=CONNECT_TIMEOUT))[0]
        await database_sync_to_async(change_password)(mine, keep_tokens=keep_tokens)
        assert await closed_with(thief_socket)
        if keep_tokens:
            event = {"type": "notification.count", "count": 7}
            await database_sync_to_async(publish_on_commit)([bob.user.pk], event)
            assert await receive_type(token_socket, "notification.count") == event
            await token_socket.disconnect()
        else:
            assert await closed_with(token_socket)

    run(scenario)
    assert me_status(mine) == 200  # the page that changed it stays signed in
    assert me_status(thief) == 401
    assert me_status(None, bob.token) == (200 if keep_tokens else 401)


def test_password_change_form_offers_keep_tokens_unticked(world_t):
    page = signed_in(world_t.bob.user).get("/accounts/password/change/").content.decode()
    box = re.search(r"<input[^>]*name=\"keep_tokens\"[^>]*>", page)
    assert box and "checked" not in box.group(0)


def test_password_reset_revokes_tokens_and_sessions(world_t):
    bob = world_t.bob
    thief = signed_in(bob.user)
    visitor = Client()
    assert visitor.post("/accounts/password/reset/", {"email": bob.user.email}).status_code == 302
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", mail.outbox[-1].body).group(1)
    form_url = visitor.get(link).headers["Location"]
    done = visitor.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 302, done.content[:500]
    assert me_status(thief) == 401
    assert me_status(None, bob.token) == 401
    assert me_status(None, world_t.alice.token) == 200  # others untouched


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        ("http://127.0.0.1:8000", True),
        ("http://localhost:8000", True),
        ("http://127.0.0.1:18150", False),  # same host, another port
        ("https://localhost:4444", False),
        ("https://127.0.0.1:8000", False),  # same host and port, another scheme
        ("http://evil.example:8000", False),
        ("null", False),
    ],
)
def test_origin_must_match_scheme_host_and_port(world_t, origin, allowed):
    cookie = cookie_of(signed_in(world_t.bob.user))

    async def scenario():
        comm = socket(cookie=cookie, origin=origin)
        connected, _ = await comm.connect(timeout=CONNECT_TIMEOUT)
        assert connected is allowed
        if connected:
            await comm.disconnect()

    run(scenario)


def test_trusted_origin_from_settings(world_t, settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://plaza.example.com"]
    settings.PLAZA_BASE_URL = "https://community.example.com"
    cookie = cookie_of(signed_in(world_t.bob.user))

    async def scenario():
        for origin, allowed in [
            ("https://plaza.example.com", True),
            ("https://community.example.com:443", True),
            ("http://community.example.com", False),
            ("https://plaza.example.com:8443", False),
        ]:
            comm = socket(cookie=cookie, origin=origin)
            assert (await comm.connect(timeout=CONNECT_TIMEOUT))[0] is allowed, origin
            if allowed:
                await comm.disconnect()

    run(scenario)
