"""The REST API at /api/v1: one NinjaAPI, each app's router mounted, errors in one shape."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from django.http.request import RawPostDataException
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Router
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

from plaza.accounts.api import router as accounts_router
from plaza.announcements.api import router as announcements_router
from plaza.blogs.api import router as blogs_router
from plaza.calendars.api import router as calendars_router
from plaza.calls.api import router as calls_router
from plaza.cases.api import router as cases_router
from plaza.chat.api import router as chat_router
from plaza.core.auth import required
from plaza.core.errors import CODES_BY_STATUS, Invalid, PlazaError, RateLimited
from plaza.events.api import router as events_router
from plaza.exports.api import router as exports_router
from plaza.feed.api import router as feed_router
from plaza.mail.api import router as mail_router
from plaza.moderation.api import router as moderation_router
from plaza.notifications.api import router as notifications_router
from plaza.polls.api import router as polls_router
from plaza.search.api import router as search_router
from plaza.showcase.api import router as showcase_router
from plaza.spaces.access import app_of_route, serving_app
from plaza.spaces.api import router as spaces_router
from plaza.uploads.api import router as uploads_router
from plaza.webhooks.api import router as webhooks_router

# Statuses every operation of a kind can return because of the conventions in API.md, on
# top of what each route declares for itself.
_ERROR_DESCRIPTIONS = {
    401: "Not signed in, or the token is invalid or revoked (`not_authenticated`).",
    403: "Not allowed (`forbidden`), or a session without its CSRF token (`csrf_failed`).",
    404: "Does not exist, or the caller may not know it exists (`not_found`).",
    409: (
        "State conflict, an Idempotency-Key reused with another body, or the retry of a request"
        " whose answer held a secret (`conflict`)."
    ),
    400: "The body is not valid JSON, or a malformed form (`bad_request`).",
    413: "The request body is too large (`too_large`).",
    415: "A form body sent where JSON is expected (`unsupported_type`).",
    422: "Invalid input; the offending field is named (`invalid`).",
    429: "Too many requests; `Retry-After` says when to try again (`rate_limited`).",
}


def _add_convention_errors(schema: dict[str, Any]) -> None:
    error_ref = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
    for operations in schema.get("paths", {}).values():
        for method, op in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            statuses: set[int] = set()
            params = op.get("parameters", [])
            if op.get("security"):
                statuses.add(401)  # a broken bearer token is refused even where sign-in is optional
                if method != "get":
                    statuses.add(403)  # CSRF for session-authenticated mutations
            if any(p.get("in") == "path" for p in params):
                statuses.update((404, 422))  # 422: a number beyond 64 bits, NUL (core/guard.py)
            if any(p.get("in") == "query" for p in params) or "requestBody" in op:
                statuses.add(422)
            if method != "get":
                statuses.update((413, 422, 429))  # core/guard.py reads every body; rate limits
            if "requestBody" in op:
                statuses.update((400, 415))  # not JSON; a form where JSON is expected
            if method == "post":
                statuses.update((409, 422))  # Idempotency-Key reuse / malformed key
            responses = op.setdefault("responses", {})
            for status in sorted(statuses):
                if status not in responses and str(status) not in responses:
                    responses[status] = {"description": _ERROR_DESCRIPTIONS[status], "content": error_ref}


# No JSON body of the API holds a longer list (ids of recipients, members, options...) or
# nests deeper: each list item is work (a row, a notification), so the cap is one place for
# every route rather than a check each action might forget (issue 18, item 7).
MAX_LIST_ITEMS = 500
MAX_DEPTH = 20


def _check_shape(value: Any, path: list[str], depth: int = 0) -> None:
    if depth > MAX_DEPTH:
        raise Invalid(_("The request nests too deeply."), field=".".join(path) or "body")
    if isinstance(value, list):
        if len(value) > MAX_LIST_ITEMS:
            raise Invalid(_("At most %(n)d items.") % {"n": MAX_LIST_ITEMS}, field=".".join(path) or "body")
        for item in value:
            _check_shape(item, path, depth + 1)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_shape(item, [*path, str(key)], depth + 1)


class BoundedParser(Parser):
    """ninja's JSON parser, refusing lists past MAX_LIST_ITEMS and nesting past MAX_DEPTH."""

    def parse_body(self, request: HttpRequest) -> Any:
        try:
            data = json.loads(request.body)
        except RecursionError as exc:
            raise Invalid(_("The request nests too deeply."), field="body") from exc
        _check_shape(data, [])
        return data


class PlazaAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        _add_convention_errors(schema)
        return schema


api = PlazaAPI(
    title="Plaza API",
    version="1",
    urls_namespace="api",
    auth=required,
    parser=BoundedParser(),
    docs_url="/docs",
    openapi_url="/openapi.json",
    description=(
        "The REST API of Plaza, an enterprise community platform. See API.md for the contract.\n\n"
        "`Idempotency-Key` on a POST: a retry with the same key and body returns the first answer "
        "(`Idempotent-Replayed: true`) and creates nothing; a concurrent retry waits for the first. "
        "Keys are kept 24 hours. Answers that show a secret once (`POST /auth/signup`, `/auth/token`, "
        "`/me/tokens`, `/spaces/{slug}/cases`, `/spaces/{slug}/webhooks`, `/calendar/feed/rotate`) are not kept: their retry "
        "is 409 `conflict` and creates nothing; send a new request with a new key."
    ),
)


def _error(request: HttpRequest, status: int, detail: object, code: str | None = None) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "code": code or CODES_BY_STATUS.get(status, "error")}, status=status)


@api.exception_handler(PlazaError)
def on_plaza_error(request: HttpRequest, exc: PlazaError) -> HttpResponse:
    response = _error(request, exc.status, exc.detail, exc.code)
    if isinstance(exc, RateLimited):
        response["Retry-After"] = str(exc.retry_after)
    if exc.status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="plaza"'
    return response


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    detail = [{"loc": list(err.get("loc", [])), "msg": err.get("msg", ""), "type": err.get("type", "")} for err in exc.errors]
    return _error(request, 422, detail, "invalid")


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "Sign-in required.", "not_authenticated")


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc.__cause__, PlazaError):  # ninja wraps the parser's errors (BoundedParser)
        return on_plaza_error(request, exc.__cause__)
    return _error(request, exc.status_code, str(exc))


@api.exception_handler(RawPostDataException)
def on_body_already_read(request: HttpRequest, exc: RawPostDataException) -> HttpResponse:
    # A form (multipart) body sent to a route that reads JSON: the form was parsed first.
    return _error(request, 415, "Send this request as application/json.", "unsupported_type")


@api.exception_handler(RequestDataTooBig)
def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return _error(request, 413, "The request body is too large.", "too_large")


@api.exception_handler(Http404)
def on_404(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "Not found.", "not_found")


api.add_router("/", accounts_router)
api.add_router("/", spaces_router)
api.add_router("/", notifications_router)
api.add_router("/", feed_router)
api.add_router("/", uploads_router)
api.add_router("/", blogs_router)
api.add_router("/", announcements_router)
api.add_router("/", cases_router)
api.add_router("/", polls_router)
api.add_router("/", showcase_router)
api.add_router("/", chat_router)
api.add_router("/", mail_router)
api.add_router("/", calls_router)
api.add_router("/", events_router)
api.add_router("/", calendars_router)
api.add_router("/", search_router)
api.add_router("/", webhooks_router)
api.add_router("/", moderation_router)
api.add_router("/", exports_router)


def _serve_in_app(view_func: Callable[..., Any], app: str) -> Callable[..., Any]:
    @functools.wraps(view_func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with serving_app(app):
            return view_func(*args, **kwargs)

    return wrapper


def _declare_apps(routers: list[tuple[str, Router]]) -> None:
    """Every operation of a space app's router runs inside its app (``spaces.access.serving_app``):
    reaching a space where that app is off answers 404, as the pages do (``spaces.middleware``).
    Done on the routers before the API binds them, so each bound copy calls the wrapper."""
    for _prefix, router in routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                app = app_of_route(operation.view_func)
                if app is not None and not getattr(operation.view_func, "_plaza_app", None):
                    operation.view_func = _serve_in_app(operation.view_func, app)
                    operation.view_func._plaza_app = app


_declare_apps(api._routers)  # last: after every router is added
