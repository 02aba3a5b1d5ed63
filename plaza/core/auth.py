"""Who is calling: a personal API token (``Authorization: Bearer``) or the browser session."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from ninja.security.base import AuthBase
from ninja.utils import check_csrf

from plaza.core.errors import NotAuthenticated, PlazaError


class CsrfFailed(PlazaError):
    status, code, default_detail = 403, "csrf_failed", "CSRF check failed: send the X-CSRFToken header."


def bearer_user(request: HttpRequest) -> Any | None:
    """The user of a valid bearer token, None when no token was sent.

    Raises :class:`NotAuthenticated` for a token that is sent but unknown, revoked or whose
    user is deactivated: a broken credential is never treated as signed-out.
    """
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not header:
        return None
    scheme, _, key = header.partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        raise NotAuthenticated("Malformed Authorization header.")
    from plaza.accounts.queries import get_token_user

    found = get_token_user(key.strip())
    if found is None:
        raise NotAuthenticated("Invalid or revoked token.")
    user, token = found
    request.api_token = token  # type: ignore[attr-defined]
    return user


class PlazaAuth(AuthBase):
    """ninja auth callable. ``optional`` lets signed-out callers through as AnonymousUser.

    Declared in OpenAPI as HTTP bearer (personal tokens); the browser session works too.
    """

    openapi_type = "http"
    openapi_scheme = "bearer"

    def __init__(self, *, optional: bool = False) -> None:
        super().__init__()
        self.optional = optional

    def __call__(self, request: HttpRequest) -> Any:
        user = bearer_user(request)
        if user is not None:
            # The session path gets this from UserLanguageMiddleware; a token caller's
            # messages and texts follow its profile language too.
            if user.language:
                translation.activate(user.language)
                request.LANGUAGE_CODE = translation.get_language()
            return user
        if request.user.is_authenticated:
            if request.method not in ("GET", "HEAD", "OPTIONS", "TRACE"):
                if check_csrf(request) is not None:
                    raise CsrfFailed()
            return request.user
        if self.optional:
            return AnonymousUser()
        raise NotAuthenticated()


required = PlazaAuth()
optional = PlazaAuth(optional=True)


def bearer_or_session(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Let a file download (an upload's ``url``) be fetched with the API's bearer token.

    With ``Authorization: Bearer``, the request acts as the token's person, checked as every
    API route checks it; a broken token is a 401 JSON error, never the sign-in page. Without
    the header, the browser session as usual. Downloads are GETs: no CSRF question arises.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.META.get("HTTP_AUTHORIZATION"):
            from plaza.core.middleware import error_response

            try:
                user = bearer_user(request)
            except NotAuthenticated as exc:
                return error_response(401, exc.message(), "not_authenticated")
            request.user = user  # type: ignore[assignment]
        response = view(request, *args, **kwargs)
        patch_vary_headers(response, ["Authorization"])
        return response

    return wrapper
