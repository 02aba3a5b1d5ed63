"""Middleware: the API's uniform error body, ``Idempotency-Key`` replays and the time zone."""

from __future__ import annotations

import hashlib
import json
import zoneinfo
from collections.abc import Callable
from urllib.parse import unquote

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.utils import timezone
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


def valid_zone(name: str | None) -> str | None:
    """The IANA zone name if it names a known zone, else None."""
    name = (name or "").strip()
    if not name or len(name) > 64:
        return None
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return None
    return name


def request_zone(request: HttpRequest) -> str:
    """The zone a page is shown and read in: the profile's, else the browser's, else the default."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        zone = valid_zone(getattr(user, "timezone", ""))
        if zone:
            return zone
    return valid_zone(unquote(request.COOKIES.get("tz", ""))) or settings.PLAZA_TIME_ZONE


class TimezoneMiddleware:
    """Every page is shown, and every date-time input read, in the person's time zone.

    A signed-in person's profile zone wins (sign-up copies the browser's into it);
    signed-out visitors get the browser's zone from the ``tz`` cookie (set by plaza.js),
    else ``PLAZA_TIME_ZONE``. The API is unaffected: it speaks ISO 8601 with offsets.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        timezone.activate(zoneinfo.ZoneInfo(request_zone(request)))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


FORM_TOKEN_FIELD = "form_token"


class FormTokenMiddleware:
    """A page form sent twice (a reload of its answer, a double click, the back button) acts once.

    plaza.js puts a random ``form_token`` into every POST form. The first POST with a token
    reserves it; when the view answers with a redirect (post/redirect/get), the redirect is
    kept and any later POST with the same token is sent there again instead of running the
    view. An answer that is not a redirect (a form with errors, an htmx partial) releases the
    token, so the corrected form can be sent. Forms without a token work as before.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "POST" or request.path.startswith(API_PREFIX):
            return self.get_response(request)
        token = request.POST.get(FORM_TOKEN_FIELD, "")
        if not token or len(token) > 64:
            return self.get_response(request)
        user = getattr(request, "user", None)
        owner = (
            f"form:u:{user.pk}"
            if user is not None and user.is_authenticated
            else "form:ip:" + request.META.get("REMOTE_ADDR", "")
        )
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    owner=owner, key=token, request_hash="", status=0, content_type="", body=b""
                )
        except IntegrityError:
            previous = IdempotencyRecord.objects.filter(owner=owner, key=token).first()
            if previous is not None and previous.status in (301, 302, 303):
                return HttpResponseRedirect(bytes(previous.body).decode(), status=303)
            return HttpResponse(_("This form is being sent already."), status=409, content_type="text/plain")
        try:
            response = self.get_response(request)
        except BaseException:
            IdempotencyRecord.objects.filter(pk=record.pk).delete()
            raise
        if response.status_code in (301, 302, 303) and response.get("Location"):
            IdempotencyRecord.objects.filter(pk=record.pk).update(status=response.status_code, body=response["Location"].encode())
        else:
            IdempotencyRecord.objects.filter(pk=record.pk).delete()
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
