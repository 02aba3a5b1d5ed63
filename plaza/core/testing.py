"""Test personas and helpers shared by every app's tests.

In space "acme": alice (owner), bob (member), gina (guest). In space "globex": mallory
(owner there, outsider to acme). Plus signed-out visitors.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.test import Client

from plaza.accounts.actions import do_create_token
from plaza.accounts.models import User
from plaza.spaces.actions import do_create_space
from plaza.spaces.models import Membership, Role, Space

PASSWORD = "correct-horse-battery-9"


@dataclass
class Persona:
    user: User
    token: str

    @property
    def auth(self) -> dict[str, str]:
        return {"HTTP_AUTHORIZATION": f"Bearer {self.token}"}


def make_user(handle: str, *, name: str | None = None, language: str = "en") -> User:
    return User.objects.create_user(f"{handle}@example.com", PASSWORD, name=name or handle.title(), handle=handle, language=language)


def make_persona(handle: str, **kwargs: Any) -> Persona:
    user = make_user(handle, **kwargs)
    _token, key = do_create_token(user, name="tests")
    return Persona(user, key)


@dataclass
class World:
    alice: Persona
    bob: Persona
    gina: Persona
    mallory: Persona
    acme: Space
    globex: Space

    def persona(self, name: str) -> Persona | None:
        return None if name == "anonymous" else getattr(self, name)


def build_world() -> World:
    alice, bob, gina, mallory = (make_persona(h) for h in ("alice", "bob", "gina", "mallory"))
    acme = do_create_space(alice.user, name="Acme", slug="acme", visibility="private", join_policy="invite")
    Membership.objects.create(space=acme, user=bob.user, role=Role.MEMBER)
    Membership.objects.create(space=acme, user=gina.user, role=Role.GUEST)
    globex = do_create_space(mallory.user, name="Globex", slug="globex", visibility="private", join_policy="invite")
    return World(alice, bob, gina, mallory, acme, globex)


class Api:
    """A thin JSON client for /api/v1 acting as one persona (or signed out)."""

    def __init__(self, persona: Persona | None = None) -> None:
        self.client = Client()
        self.extra = persona.auth if persona else {}

    def _call(self, method: str, path: str, data: Any = None, **headers: Any) -> Any:
        url = path if path.startswith("/") else f"/api/v1/{path}"
        kwargs: dict[str, Any] = {**self.extra, **headers}
        if data is not None:
            kwargs["data"] = json.dumps(data)
            kwargs["content_type"] = "application/json"
        response = getattr(self.client, method)(url, **kwargs)
        try:
            response.json_body = json.loads(response.content) if response.content else None
        except ValueError:
            response.json_body = None
        return response

    def get(self, path: str, **kw: Any) -> Any:
        return self._call("get", path, **kw)

    def post(self, path: str, data: Any = None, **kw: Any) -> Any:
        return self._call("post", path, data if data is not None else {}, **kw)

    def patch(self, path: str, data: Any = None, **kw: Any) -> Any:
        return self._call("patch", path, data if data is not None else {}, **kw)

    def put(self, path: str, data: Any = None, **kw: Any) -> Any:
        return self._call("put", path, data if data is not None else {}, **kw)

    def delete(self, path: str, **kw: Any) -> Any:
        return self._call("delete", path, **kw)


def png_bytes(color: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    """A small valid PNG."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (16, 12), color).save(out, format="PNG")
    return out.getvalue()


def upload_file(persona: Persona, name: str = "photo.png", data: bytes | None = None) -> int:
    """POST /api/v1/uploads as ``persona``; the new upload's id (a PNG unless ``data``)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = Client().post("/api/v1/uploads", {"file": SimpleUploadedFile(name, png_bytes() if data is None else data)},
                             **persona.auth)
    assert response.status_code == 201, response.content
    return int(response.json()["id"])


def fetch(persona: Persona | None, url: str) -> int:
    """GET ``url`` as ``persona`` (signed in by session) or signed out; the status code."""
    client = Client()
    if persona is not None:
        client.force_login(persona.user)
    return client.get(url.replace("http://testserver", "")).status_code


# Seconds a test waits for a WebSocket handshake. Channels' default is 1 s, and on a loaded
# machine a consumer's connect (token lookup, the person's scopes) took longer: a test then
# failed for timing, not behaviour. Waiting longer costs nothing when the socket is quick.
CONNECT_TIMEOUT = 10.0


def login(persona: Persona) -> Client:
    """A page client signed in as ``persona`` (session, no password round trip)."""
    client = Client()
    client.force_login(persona.user)
    return client
