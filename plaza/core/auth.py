"""Who is calling: a personal API token (``Authorization: Bearer``) or the browser session."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils import translation
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
