"""Accounts API: sign-up, tokens, the caller's profile."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Router, Status
from ninja.files import UploadedFile

from plaza.accounts import actions, queries
from plaza.accounts.models import ApiToken
from plaza.accounts.schemas import (
    ApiTokenCreated,
    ApiTokenIn,
    ApiTokenList,
    DeactivateIn,
    MeOut,
    MePatch,
    SignupIn,
    SignupOut,
    TokenIn,
    TokenOut,
)
from plaza.accounts.twofactor import verify_second_factor, wants_second_factor
from plaza.core import ratelimit
from plaza.core.errors import Forbidden, NotAuthenticated, NotFound
from plaza.core.middleware import keep_no_idempotency_response
from plaza.core.pagination import keyset_page
from plaza.core.schemas import errors

router = Router(tags=["accounts"])

# POST /auth/token: attempts per address a minute, and failed guesses in a sliding window.
TOKEN_ATTEMPTS_PER_ADDRESS = 30
TOKEN_FAILURES_PER_ACCOUNT_ADDRESS = 10
TOKEN_FAILURES_PER_ADDRESS = 30
TOKEN_FAILURE_WINDOW = 900


def _refuse_passwords() -> None:
    """With single sign-on required, no password is accepted: API clients use a personal
    token made on the API tokens page after signing in through the provider."""
    if settings.SSO_REQUIRED:
        raise Forbidden(_("Password sign-in is turned off on this server: sign in with single sign-on, then create a personal API token."))


@router.post("/auth/signup", auth=None, response={201: SignupOut, **errors(403, 409, 422, 429)})
def signup(request: HttpRequest, payload: SignupIn) -> Status:
    keep_no_idempotency_response(request)  # the answer shows a secret once
    _refuse_passwords()
    ratelimit.hit("signup", ratelimit.client_key(request), limit=20, window=3600)
    if settings.SIGNUP == "closed":
        raise Forbidden(_("Sign-up is closed on this server."))
    if settings.SIGNUP == "invite":
        # spaces builds on accounts, so the invitation side lives in spaces.actions.
        from plaza.spaces.actions import do_signup_with_invitation

        user, key = do_signup_with_invitation(
            email=payload.email, password=payload.password, name=payload.name, handle=payload.handle,
            code=payload.invitation or "",
        )
    else:
        user, key = actions.do_signup(email=payload.email, password=payload.password, name=payload.name, handle=payload.handle)
    return Status(201, {"user": user, "token": key})


@router.post("/auth/token", auth=None, response={201: TokenOut, **errors(401, 403, 422, 429)})
def create_token(request: HttpRequest, payload: TokenIn) -> Status:
    keep_no_idempotency_response(request)  # the answer shows a secret once
    _refuse_passwords()
    address, email = ratelimit.client_key(request), payload.email.lower()
    ratelimit.hit("token-ip", address, limit=TOKEN_ATTEMPTS_PER_ADDRESS, window=60)
    # Failures count per (account, address) and per address, never per account alone: a
    # guesser elsewhere cannot lock the owner out of their account (issue 18, item 9).
    ratelimit.check("token-fail", (email, address), limit=TOKEN_FAILURES_PER_ACCOUNT_ADDRESS, window=TOKEN_FAILURE_WINDOW)
    ratelimit.check("token-fail-ip", address, limit=TOKEN_FAILURES_PER_ADDRESS, window=TOKEN_FAILURE_WINDOW)
    user = authenticate(request, email=email, password=payload.password)
    problem = None
    if user is None:
        problem = _("Wrong email or password.")
    elif wants_second_factor(user):
        if not payload.otp:
            problem = _("Enter the code from your authenticator app in otp.")
        elif not verify_second_factor(user, payload.otp):
            problem = _("The two-factor code is not valid.")
    if problem is not None:
        if payload.otp or user is None:  # asking for the second factor is no failure
            ratelimit.count_failure("token-fail", (email, address), limit=TOKEN_FAILURES_PER_ACCOUNT_ADDRESS, window=TOKEN_FAILURE_WINDOW)
            ratelimit.count_failure("token-fail-ip", address, limit=TOKEN_FAILURES_PER_ADDRESS, window=TOKEN_FAILURE_WINDOW)
        raise NotAuthenticated(problem)
    _token, key = actions.do_create_token(user, name=payload.name or _("API"))
    return Status(201, {"token": key})


@router.delete("/auth/token", response={204: None, **errors(401)})
def revoke_token(request: HttpRequest) -> Status:
    token = getattr(request, "api_token", None)
    if token is None:
        raise NotAuthenticated(_("Send the token to revoke in the Authorization header."))
    actions.do_revoke_token(token)
    return Status(204, None)


@router.get("/me", response={200: MeOut, **errors(401)})
def me(request: HttpRequest) -> Any:
    return request.auth


@router.patch("/me", response={200: MeOut, **errors(401, 403, 422)})
def update_me(request: HttpRequest, payload: MePatch) -> Any:
    changes = payload.dict(exclude_unset=True, exclude_none=True)
    for field, value in (changes.pop("visibility", None) or {}).items():
        changes[f"{field}_visibility"] = value
    return actions.do_update_profile(request.auth, **changes)


@router.post("/me/avatar", response={200: MeOut, **errors(401, 413, 415, 422)})
def upload_avatar(request: HttpRequest, file: File[UploadedFile]) -> Any:
    """A new photo: sniffed, re-encoded without metadata and cropped square."""
    return actions.do_update_profile(request.auth, avatar=file)


@router.delete("/me/avatar", response={200: MeOut, **errors(401)})
def remove_avatar(request: HttpRequest) -> Any:
    """Back to the generated avatar (initials on a colour from the handle)."""
    return actions.do_update_profile(request.auth, remove_avatar=True)


@router.post("/me/deactivate", response={204: None, **errors(401, 403, 422)})
def deactivate(request: HttpRequest, payload: DeactivateIn) -> Status:
    if not request.auth.check_password(payload.password):
        raise Forbidden(_("The password is not right."))
    actions.do_deactivate_account(request.auth)
    return Status(204, None)


@router.get("/me/tokens", response={200: ApiTokenList, **errors(401, 422)})
def list_tokens(request: HttpRequest, cursor: str | None = None, limit: int | None = None) -> dict[str, Any]:
    rows, next_cursor = keyset_page(queries.list_tokens(request.auth), cursor=cursor, limit=limit)
    return {"items": rows, "next_cursor": next_cursor}


@router.post("/me/tokens", response={201: ApiTokenCreated, **errors(401, 403, 422)})
def new_token(request: HttpRequest, payload: ApiTokenIn) -> Status:
    keep_no_idempotency_response(request)  # the answer shows a secret once
    token, key = actions.do_create_token(request.auth, name=payload.name)
    return Status(201, {"id": token.pk, "name": token.name, "token": key})


@router.delete("/me/tokens/{int:token_id}", response={204: None, **errors(401, 403, 404)})
def delete_token(request: HttpRequest, token_id: int) -> Status:
    token = ApiToken.objects.filter(user=request.auth, pk=token_id, revoked_at__isnull=True).first()
    if token is None:
        raise NotFound()
    actions.do_revoke_token(token)
    return Status(204, None)


