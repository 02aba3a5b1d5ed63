"""Middleware: the API's uniform error body, ``Idempotency-Key`` replays and the time zone."""

from __future__ import annotations

import hashlib
import json
import zoneinfo
from collections.abc import Callable
from datetime import timedelta
from urllib.parse import unquote

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
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


def keep_no_idempotency_response(request: HttpRequest) -> None:
    """Keep that this request ran, but not its answer, because the answer holds a secret.

    For answers that show a secret once: an API token, a case's access code, a webhook's
    signing secret, a calendar feed's URL. A stored copy would be a second place the secret
    lives in plain text, replayable to anyone who can repeat the request. A retry with the
    same key is answered 409 ``conflict`` and creates nothing; the client sends a new request
    with a new key (and, for a token, can revoke the one it never received).
    """
    request._plaza_keep_no_idempotency_response = True  # type: ignore[attr-defined]


IDEMPOTENCY_TTL = timedelta(hours=24)


class IdempotencyMiddleware:
    """A POST under /api/ with an ``Idempotency-Key`` runs once per caller and key.

    The key is claimed before the route runs, in the same transaction as the route's writes:
    a record row (caller, key, body hash) is inserted, the route runs inside that transaction,
    and its answer is written into the row before the commit. So either the write and its
    record commit together, or neither does:

    - a concurrent twin's insert waits on the unique (caller, key) index until the first
      request commits (then it replays that answer) or rolls back (then it runs itself);
    - a process killed mid-request leaves nothing behind, so a retry runs the request anew;
    - a 5xx answer rolls the whole request back, so its retry runs it anew too.

    A retry with the same key and body gets the first answer again (marked with
    ``Idempotent-Replayed: true``); the same key with another body is 409. Records live 24
    hours (``purge_idempotency_records`` deletes older ones). Answers that carry a secret
    are not kept (``keep_no_idempotency_response``): their retry is 409.
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
        # Signed out: more than the address, which a whole office or mobile network shares.
        # The client's session cookie (when it has one) and its user agent go into the key
        # too, and the body hash must match as well, so another person behind the same
        # address cannot be handed someone else's answer by guessing their key.
        parts = (
            request.META.get("REMOTE_ADDR", ""),
            request.COOKIES.get(settings.SESSION_COOKIE_NAME, ""),
            request.META.get("HTTP_USER_AGENT", ""),
        )
        return "a:" + hashlib.sha256("\0".join(parts).encode()).hexdigest()[:40]

    @staticmethod
    def fingerprint(request: HttpRequest) -> str:
        """A hash of what the request asks for.

        Multipart bodies (uploads) are hashed from their parsed fields and files, read in
        chunks, so a large upload never has to sit in memory as ``request.body``.
        """
        digest = hashlib.sha256(request.path.encode() + b"\0")
        if (request.content_type or "").startswith("multipart/"):
            for name, values in sorted(request.POST.lists()):
                digest.update(f"{name}={values!r}\0".encode())
            for name, upload in sorted(request.FILES.items()):
                assert isinstance(upload, UploadedFile)
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
        with transaction.atomic():
            # A record past its lifetime is gone, even if the purge job has not run yet.
            IdempotencyRecord.objects.filter(owner=owner, key=key, created__lt=timezone.now() - IDEMPOTENCY_TTL).delete()
            try:
                with transaction.atomic():
                    claim = IdempotencyRecord.objects.create(owner=owner, key=key, request_hash=digest, status=0)
            except IntegrityError:
                claim = None  # a twin committed this key first (its insert made ours wait)
            if claim is not None:
                response = self.get_response(request)
                self.settle(request, claim, response)
                return response
        return self.replay(request, owner, key, digest)

    @staticmethod
    def settle(request: HttpRequest, claim: IdempotencyRecord, response: HttpResponse) -> None:
        """Inside the request's transaction: keep the answer with the write, or undo both."""
        if response.status_code >= 500:
            # Nothing of a failed request is kept, neither its writes nor its key: the retry
            # runs it again from the start.
            transaction.set_rollback(True)
            return
        if (
            getattr(request, "_plaza_keep_no_idempotency_record", False)
            or response.status_code in (401, 429)
            or response.streaming
        ):
            # The writes (if any) stand; the key is free again (see keep_no_idempotency_record;
            # a 401 or 429 is answered again on retry).
            claim.delete()
            return
        claim.status = response.status_code
        if getattr(request, "_plaza_keep_no_idempotency_response", False):
            claim.secret = True
            claim.content_type = ""
            claim.body = b""
        else:
            claim.content_type = response.get("Content-Type", "application/json")
            claim.body = response.content
        claim.save(update_fields=["status", "secret", "content_type", "body"])

    def replay(self, request: HttpRequest, owner: str, key: str, digest: str) -> HttpResponse:
        previous = IdempotencyRecord.objects.filter(owner=owner, key=key).first()
        if previous is None:
            # The twin rolled back and its record went with it between our two reads: run.
            return self(request)
        if owner.startswith("t:"):
            # A stored answer is replayed only to a token that still works: a revoked token
            # (or a deactivated user's) goes through to the route and gets its 401.
            from plaza.accounts.queries import get_token_user

            if get_token_user(request.META["HTTP_AUTHORIZATION"][7:].strip()) is None:
                return self.get_response(request)
        if previous.request_hash != digest:
            return error_response(409, _("This Idempotency-Key was used with another request."), "conflict")
        if previous.secret:
            return error_response(
                409,
                _(
                    "This request already ran, and its answer held a secret that is not kept. Send a new request with a new Idempotency-Key."
                ),
                "conflict",
            )
        replay = HttpResponse(bytes(previous.body), status=previous.status, content_type=previous.content_type)
        replay["Idempotent-Replayed"] = "true"
        return replay


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
