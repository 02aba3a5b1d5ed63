"""The REST API at /api/v1: one NinjaAPI, each app's router mounted, errors in one shape."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from plaza.accounts.api import router as accounts_router
from plaza.core.auth import required
from plaza.core.errors import CODES_BY_STATUS, PlazaError, RateLimited
from plaza.spaces.api import router as spaces_router

api = NinjaAPI(
    title="Plaza API",
    version="1",
    urls_namespace="api",
    auth=required,
    docs_url="/docs",
    openapi_url="/openapi.json",
    description="The REST API of Plaza, an enterprise community platform. See API.md for the contract.",
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
    detail = [
        {"loc": list(err.get("loc", [])), "msg": err.get("msg", ""), "type": err.get("type", "")}
        for err in exc.errors
    ]
    return _error(request, 422, detail, "invalid")


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "Sign-in required.", "not_authenticated")


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, str(exc))


@api.exception_handler(Http404)
def on_404(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "Not found.", "not_found")


api.add_router("/", accounts_router)
api.add_router("/", spaces_router)
