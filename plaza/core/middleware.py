"""Middleware: the API's uniform error body and ``Idempotency-Key`` replays."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from plaza.core.errors import CODES_BY_STATUS
from plaza.core.models import IdempotencyRecord

API_PREFIX = "/api/"


def error_response(status: int, detail: object, code: str | None = None) -> JsonResponse:
    return JsonResponse({"detail": detail, "code": code or CODES_BY_STATUS.get(status, "error")}, status=status)


class ApiErrorMiddleware:
    """Every non-2xx answer under /api/ carries ``{"detail", "code"}``.

    ninja's own handlers already answer in that shape; this catches what happens outside
    them: Django's 404 for unknown paths, 405s, CSRF failures and unhandled 500s.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(API_PREFIX) or response.status_code < 400:
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            try:
                body = json.loads(response.content)
            except ValueError:
                body = None
            if isinstance(body, dict) and "code" in body and "detail" in body:
                return response
            detail = body.get("detail", body) if isinstance(body, dict) else body
        else:
            detail = {
                404: "Not found.",
                405: "Method not allowed.",
                403: "Forbidden.",
                500: "Server error.",
            }.get(response.status_code, response.reason_phrase)
        new = error_response(response.status_code, detail)
        for header in ("Retry-After", "Allow", "WWW-Authenticate"):
            if header in response:
                new[header] = response[header]
        return new


def keep_no_idempotency_record(request: HttpRequest) -> None:
    """Store nothing of this request for Idempotency-Key replays.

    For requests whose body or answer must not be kept with the caller's identity: a secret
    ballot (the body hash, or the tally in the answer next to its time, would tell the vote).
    A retry then runs the route again, which answers it on its own (a second secret vote is
    409).
    """
    request._plaza_keep_no_idempotency_record = True  # type: ignore[attr-defined]


class IdempotencyMiddleware:
    """A POST under /api/ with an ``Idempotency-Key`` runs once per caller and key.

    A retry with the same key and body gets the first answer again (marked with
    ``Idempotent-Replayed: true``); the same key with another body is 409.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    @staticmethod
    def owner(request: HttpRequest) -> str:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if header.lower().startswith("bearer "):
            return "t:" + hashlib.sha256(header[7:].strip().encode()).hexdigest()[:40]
        if request.user.is_authenticated:
            return f"u:{request.user.pk}"
        return "ip:" + request.META.get("REMOTE_ADDR", "")

    @staticmethod
    def fingerprint(request: HttpRequest) -> str:
        """A hash of what the request asks for.

        Multipart bodies (uploads) are hashed from their parsed fields and files, read in
        chunks, so a large upload never has to sit in memory as ``request.body``.
        """
        digest = hashlib.sha256(request.path.encode() + b"\0")
        if request.content_type.startswith("multipart/"):
            for name, values in sorted(request.POST.lists()):
                digest.update(f"{name}={values!r}\0".encode())
            for name, upload in sorted(request.FILES.items()):
                digest.update(f"{name}:{upload.name}:{upload.size}\0".encode())
                for chunk in upload.chunks():
                    digest.update(chunk)
                upload.seek(0)
        else:
            digest.update(request.body)
        return digest.hexdigest()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get("Idempotency-Key")
        if request.method != "POST" or not key or not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        if len(key) > 200:
            return error_response(422, _("Idempotency-Key is longer than 200 characters."), "invalid")
        digest = self.fingerprint(request)
        owner = self.owner(request)
        previous = IdempotencyRecord.objects.filter(owner=owner, key=key).first()
        if previous is not None and owner.startswith("t:"):
            # A stored answer is replayed only to a token that still works: a revoked token
            # (or a deactivated user's) goes through to the route and gets its 401.
            from plaza.accounts.queries import get_token_user

            if get_token_user(request.META["HTTP_AUTHORIZATION"][7:].strip()) is None:
                return self.get_response(request)
        if previous is not None:
            if previous.request_hash != digest:
                return error_response(409, _("This Idempotency-Key was used with another request."), "conflict")
            replay = HttpResponse(bytes(previous.body), status=previous.status, content_type=previous.content_type)
            replay["Idempotent-Replayed"] = "true"
            return replay
        response = self.get_response(request)
        if getattr(request, "_plaza_keep_no_idempotency_record", False):
            return response  # see keep_no_idempotency_record
        if response.status_code < 500 and response.status_code not in (401, 429) and not response.streaming:
            try:
                with transaction.atomic():
                    IdempotencyRecord.objects.create(
                        owner=owner,
                        key=key,
                        request_hash=digest,
                        status=response.status_code,
                        content_type=response.get("Content-Type", "application/json"),
                        body=response.content,
                    )
            except IntegrityError:
                pass  # a concurrent twin stored its answer first; both ran the same request
        return response


class ClientAddressMiddleware:
    """Remember the request's client address (``ratelimit.client_ip``, proxies considered)
    for the audit entries its actions write; actions never see the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from plaza.core import audit
        from plaza.core.ratelimit import client_ip

        token = audit.client_address.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            audit.client_address.reset(token)
