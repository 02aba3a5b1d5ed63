"""The one WebSocket at /ws/: signed in by session cookie or ``?token=``.

It forwards events published through :mod:`plaza.core.realtime` to the person's open
sockets, filtered by what the person may see at delivery time.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from plaza.core.metrics import SOCKETS
from plaza.core.realtime import chat_group, space_group, user_group

CLOSE_UNAUTHENTICATED = 4401


@database_sync_to_async
def _token_user(key: str) -> tuple[Any, int] | None:
    from plaza.accounts.queries import get_token_user

    found = get_token_user(key)
    if found is None:
        return None
    user, token = found
    return user, token.pk


@database_sync_to_async
def _scopes(user_id: int) -> tuple[Any, set[int]]:
    from plaza.chat.queries import list_my_group_ids
    from plaza.spaces.queries import list_socket_scopes

    return list_socket_scopes(user_id), list_my_group_ids(user_id)


@database_sync_to_async
def _is_active(user_id: int) -> bool:
    from plaza.accounts.models import User

    return User.objects.filter(pk=user_id, is_active=True).exists()


@database_sync_to_async
def _credential_holds(user_id: int, token_id: int | None, session_hash: str) -> bool:
    """Whether the credential a socket was opened with still signs this person in: the
    token is not revoked, or the session was signed with the current password."""
    from django.utils.crypto import constant_time_compare

    from plaza.accounts.models import ApiToken, User

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return False
    if token_id is not None:
        return ApiToken.objects.filter(pk=token_id, user=user, revoked_at__isnull=True).exists()
    return bool(session_hash) and constant_time_compare(session_hash, user.get_session_auth_hash())


class PlazaConsumer(AsyncJsonWebsocketConsumer):
    user_id: int | None = None
    token_id: int | None = None
    session_hash: str = ""  # the password-derived hash the session was signed in with
    space_ids: set[int] = set()  # spaces whose events reach this socket (any role)
    full_space_ids: set[int] = set()  # of those, where space-wide posts reach it
    team_ids: set[int] = set()  # teams whose posts reach it
    group_ids: set[int] = set()  # discussion groups whose events reach it
    layer_groups: set[str] = set()  # channel-layer groups this socket listens on

    async def dispatch(self, message: dict[str, Any]) -> None:
        """Channels' dispatch without its ``close_old_connections`` hop before every message.

        That hop runs in the single thread-sensitive executor: a post to a space with 999
        open sockets queued 999 hops there, and the last socket got the event after 2 s
        (``plaza bench``, G6). Every database access of this consumer goes through
        ``database_sync_to_async``, which closes stale connections itself.
        """
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def connect(self) -> None:
        query = parse_qs(self.scope.get("query_string", b"").decode())
        key = (query.get("token") or [""])[0]
        if key:
            found = await _token_user(key)
            if found is None:
                await self.close(code=CLOSE_UNAUTHENTICATED)
                return
            user, self.token_id = found
            self.user_id = user.pk
        else:
            user = self.scope.get("user")
            if user is None or not user.is_authenticated or not await _is_active(user.pk):
                await self.close(code=CLOSE_UNAUTHENTICATED)
                return
            self.user_id = user.pk
            from django.contrib.auth import HASH_SESSION_KEY

            session = self.scope.get("session")
            self.session_hash = (session.get(HASH_SESSION_KEY) if session is not None else "") or ""
        await self._load_scopes()
        await self.accept()
        SOCKETS.inc()
        self.counted = True

    async def _load_scopes(self) -> None:
        """Read what this person may see now, and listen on exactly the matching groups."""
        scopes, self.group_ids = await _scopes(self.user_id)
        self.space_ids, self.full_space_ids, self.team_ids = scopes.spaces, scopes.full_spaces, scopes.teams
        wanted = {user_group(self.user_id)}  # type: ignore[arg-type]
        wanted |= {space_group(sid) for sid in self.space_ids}
        wanted |= {chat_group(gid) for gid in self.group_ids}
        for group in wanted - self.layer_groups:
            await self.channel_layer.group_add(group, self.channel_name)
        for group in self.layer_groups - wanted:
            await self.channel_layer.group_discard(group, self.channel_name)
        self.layer_groups = wanted

    async def disconnect(self, code: int) -> None:
        if getattr(self, "counted", False):
            SOCKETS.dec()
            self.counted = False
        for group in self.layer_groups:
            await self.channel_layer.group_discard(group, self.channel_name)
        self.layer_groups = set()

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if not isinstance(content, dict):
            return
        kind = content.get("type")
        if kind == "ping":
            await self.send_json({"type": "pong"})
        elif kind == "chat.typing":
            from plaza.chat.consumers import relay_typing

            await relay_typing(self.user_id, content)  # type: ignore[arg-type]
        elif kind == "call.signal":
            from plaza.calls.consumers import relay_signal

            await relay_signal(self.user_id, content)  # type: ignore[arg-type]

    # --- messages from the channel layer ---------------------------------------------------

    async def deliver(self, message: dict[str, Any]) -> None:
        if self.user_id in message.get("exclude", ()):
            return
        space_id, team_id = message.get("space_id"), message.get("team_id")
        if space_id is not None and space_id not in self.space_ids:
            return
        if message.get("full_members") and space_id not in self.full_space_ids:
            return
        if team_id is not None and team_id not in self.team_ids:
            return
        group_id = message.get("group_id")
        if group_id is not None and group_id not in self.group_ids:
            return
        await self.send(text_data=message.get("text") or await self.encode_json(message["event"]))

    async def access_changed(self, message: dict[str, Any]) -> None:
        for group in set(message.get("join") or ()) - self.layer_groups:
            await self.channel_layer.group_add(group, self.channel_name)
            self.layer_groups = self.layer_groups | {group}
        await self._load_scopes()

    async def session_revoked(self, message: dict[str, Any]) -> None:
        token_id = message.get("token_id")
        if token_id is None or token_id == self.token_id:
            await self.close(code=CLOSE_UNAUTHENTICATED)

    async def session_check(self, message: dict[str, Any]) -> None:
        """After a password change or reset: close unless the credential still holds."""
        if self.user_id is None:
            return
        if not await _credential_holds(self.user_id, self.token_id, self.session_hash):
            await self.disconnect(CLOSE_UNAUTHENTICATED)  # stop listening before the close lands
            await self.close(code=CLOSE_UNAUTHENTICATED)


class SameOriginOnly:
    """Refuse WebSocket handshakes whose ``Origin`` is a foreign site.

    Browsers always send ``Origin``; its scheme, host and port must be those of an allowed
    origin: ``PLAZA_BASE_URL``, ``CSRF_TRUSTED_ORIGINS``, or a host of ``ALLOWED_HOSTS`` (or
    the requested host) on the scheme and port this server is reached by. Clients that send
    none (scripts with ``?token=``) cannot ride a browser's cookies, so they pass and
    authenticate by token.
    """

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        if scope["type"] == "websocket":
            headers = dict(scope.get("headers", []))
            origin = headers.get(b"origin", b"").decode("latin-1")
            if origin and not _origin_allowed(origin, headers.get(b"host", b"").decode("latin-1"), _scope_secure(scope, headers)):
                await receive()  # the handshake's websocket.connect, refused below
                await send({"type": "websocket.close", "code": 4403})
                return None
        return await self.app(scope, receive, send)


def _scope_secure(scope: dict[str, Any], headers: dict[bytes, bytes]) -> bool:
    """Whether the browser reached this server over TLS: ``wss`` directly, or behind a
    proxy that says so in ``SECURE_PROXY_SSL_HEADER`` (set when ``PLAZA_HTTPS`` is on)."""
    from django.conf import settings

    if scope.get("scheme") in ("wss", "https"):
        return True
    proxy_header = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if proxy_header:
        name, value = proxy_header
        header = name.removeprefix("HTTP_").replace("_", "-").lower().encode("latin-1")
        return bool(headers.get(header, b"").decode("latin-1").split(",")[0].strip() == value)
    return False


def _origin_tuple(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of an origin or URL, the port made explicit; None when malformed."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url.strip())
        scheme, host, port = parts.scheme.lower(), (parts.hostname or "").lower(), parts.port
    except ValueError:
        return None
    if scheme not in ("http", "https") or not host:
        return None
    return scheme, host, port or (443 if scheme == "https" else 80)


def allowed_origins(host: str, secure: bool) -> set[tuple[str, str, int]]:
    """The origins whose pages may open a socket with this server's cookies."""
    from django.conf import settings

    found: set[tuple[str, str, int]] = set()
    for url in [getattr(settings, "PLAZA_BASE_URL", ""), *getattr(settings, "CSRF_TRUSTED_ORIGINS", [])]:
        parsed = _origin_tuple(url) if url and "*" not in url else None
        if parsed:
            found.add(parsed)
    scheme = "https" if secure else "http"
    if host:
        parsed = _origin_tuple(f"{scheme}://{host}")
        if parsed:
            found.add(parsed)
    return found


def _origin_allowed(origin: str, host: str, secure: bool = False) -> bool:
    """``origin`` names exactly an allowed origin: scheme, host and port all match.

    Besides the explicit origins of :func:`allowed_origins`, a host of ``ALLOWED_HOSTS``
    (wildcards as Django matches them) is accepted on the scheme and port the request came
    in on, so ``http://127.0.0.1:18150`` is refused by a server on ``http://127.0.0.1:8000``.
    """
    from django.conf import settings
    from django.http.request import split_domain_port, validate_host

    parsed = _origin_tuple(origin)
    if parsed is None:
        return False
    if parsed in allowed_origins(host, secure):
        return True
    scheme, domain, port = parsed
    _host_domain, host_port = split_domain_port(host.lower()) if host else ("", "")
    expected_scheme = "https" if secure else "http"
    expected_port = int(host_port) if host_port.isdigit() else (443 if secure else 80)
    if (scheme, port) != (expected_scheme, expected_port):
        return False
    return validate_host(domain, list(settings.ALLOWED_HOSTS))
