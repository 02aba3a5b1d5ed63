"""Outgoing webhook requests without server-side request forgery.

A URL is checked when a webhook is created and again at every delivery: the scheme must be
http or https, and every address its host resolves to must be a public unicast address.
The request then connects to the address that was checked (the name is resolved once), keeps
the host name for the ``Host`` header and TLS (SNI and certificate), follows no redirects,
gives up after ``TIMEOUT`` seconds and reads at most ``MAX_RESPONSE_BYTES`` of the answer.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings

TIMEOUT = 10.0
MAX_RESPONSE_BYTES = 64 * 1024

# Cloud metadata services, refused even when private addresses are allowed: AWS, GCP, Azure
# and OpenStack (169.254.169.254), Alibaba Cloud (100.100.100.200), AWS over IPv6.
METADATA = frozenset(ipaddress.ip_address(a) for a in ("169.254.169.254", "100.100.100.200", "fd00:ec2::254"))

NAT64 = ipaddress.ip_network("64:ff9b::/96")
THIS_NETWORK = ipaddress.ip_network("0.0.0.0/8")

IP = ipaddress.IPv4Address | ipaddress.IPv6Address


class RefusedURL(Exception):
    """The URL may not be called; ``reason`` is a short code (scheme, loopback, private, ...)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def address_problem(ip: IP, *, allow_private: bool) -> str | None:
    """Why ``ip`` may not be called, or None. Mapped IPv4 addresses are judged as IPv4."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip in NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            ip = embedded
    if ip in THIS_NETWORK:
        return "unspecified"  # 0.0.0.0/8: Linux reaches the local host through it
    if ip in METADATA:
        return "metadata"
    if ip.is_multicast:
        return "multicast"
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_link_local:
        return "link_local"
    if ip.is_loopback:
        return None if allow_private else "loopback"
    if ip.is_reserved:
        return "reserved"
    if ip.is_private or not ip.is_global:
        # RFC 1918, unique local IPv6, shared address space (100.64/10) and the like.
        return None if allow_private else "private"
    return None


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str
    address: str  # the checked address the request connects to


def resolve(url: str, *, allow_private: bool | None = None) -> Target:
    """Check ``url`` and resolve its host once; raise :class:`RefusedURL` when it may not be called."""
    if allow_private is None:
        allow_private = settings.WEBHOOKS_ALLOW_PRIVATE
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise RefusedURL("invalid") from exc
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise RefusedURL("scheme")
    host = parts.hostname
    if not host or parts.username is not None or parts.password is not None:
        raise RefusedURL("invalid")
    port = port or (443 if scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise RefusedURL("unresolvable") from exc
    addresses = [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos]
    if not addresses:
        raise RefusedURL("unresolvable")
    # Every address must pass: a name that resolves to one public and one private address
    # could otherwise be steered to the private one.
    for ip in addresses:
        problem = address_problem(ip, allow_private=allow_private)
        if problem:
            raise RefusedURL(problem)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(scheme, host, port, path, str(addresses[0]))


def _pinned(cls: type[http.client.HTTPConnection]) -> type[http.client.HTTPConnection]:
    class Pinned(cls):  # type: ignore[valid-type, misc]
        """Connects to the checked address; ``host`` stays the name for Host and TLS."""

        def __init__(self, host: str, port: int, address: str, **kwargs: Any) -> None:
            super().__init__(host, port, **kwargs)
            # http.client keeps the connect function on the instance; replace it there.
            self._create_connection = lambda _addr, timeout=None, source=None: socket.create_connection(
                (address, port), timeout, source
            )

    return Pinned


PinnedHTTPConnection = _pinned(http.client.HTTPConnection)
PinnedHTTPSConnection = _pinned(http.client.HTTPSConnection)


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes


def post(
    target: Target, body: bytes, headers: dict[str, str], *, timeout: float = TIMEOUT, context: ssl.SSLContext | None = None
) -> Answer:
    """POST ``body`` to the checked ``target``; no redirects, bounded time and bounded read.

    ``context``: the TLS context (default: the system's trusted certificates, host names checked).
    """
    deadline = time.monotonic() + timeout
    cls = PinnedHTTPSConnection if target.scheme == "https" else PinnedHTTPConnection
    extra: dict[str, Any] = {"context": context} if target.scheme == "https" and context is not None else {}
    conn = cls(target.host, target.port, target.address, timeout=timeout, **extra)
    try:
        conn.request(
            "POST",
            target.path,
            body=body,
            headers={**headers, "Content-Type": "application/json", "User-Agent": "Plaza-Webhooks/1"},
        )
        response = conn.getresponse()
        chunks: list[bytes] = []
        size = 0
        while size < MAX_RESPONSE_BYTES:
            if time.monotonic() > deadline:
                raise TimeoutError("the answer took too long")
            chunk = response.read1(min(8192, MAX_RESPONSE_BYTES - size)) if hasattr(response, "read1") else b""
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return Answer(response.status, b"".join(chunks))
    finally:
        conn.close()
