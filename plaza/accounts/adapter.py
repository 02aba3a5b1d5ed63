"""django-allauth adapter: who may sign up, and the name and handle of new accounts."""

from __future__ import annotations

import zoneinfo
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone, translation

from plaza.accounts.models import User
from plaza.core.middleware import request_zone

INVITATION_SESSION_KEY = "plaza_invitation"


def signup_allowed(request: HttpRequest) -> bool:
    """PLAZA_SIGNUP: open to anyone, only with a valid invitation, or closed."""
    if settings.SIGNUP == "open":
        return True
    if settings.SIGNUP == "invite":
        from plaza.spaces.actions import invitation_problem
        from plaza.spaces.models import Invitation

        code = request.session.get(INVITATION_SESSION_KEY)
        invitation = Invitation.objects.filter(code=code).first() if code else None
        return invitation is not None and invitation_problem(invitation) is None
    return False


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """Sign-up with a password; never when single sign-on is required."""
        return not settings.SSO_REQUIRED and signup_allowed(request)

    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        data = form.cleaned_data
        user.name = data.get("name") or data.get("email", "").split("@")[0]
        user.handle = data.get("handle") or User.objects.make_handle(user.name)
        if request.LANGUAGE_CODE in ("en", "zh-hans"):
            user.language = request.LANGUAGE_CODE
        user.timezone = request_zone(request)  # the browser's (tz cookie), else the default
        user = super().save_user(request, user, form, commit)
        if commit:
            from plaza.search.actions import index_user  # people are found by name and handle

            index_user(user, new=True)
        return user

    def set_password(self, user: Any, password: str) -> None:
        """Every allauth password change and reset lands here: cut off the old credential's
        holders (:func:`do_change_password`). The forms pass the "keep my API tokens" box
        through ``keep_tokens`` on the user; any other path revokes the tokens."""
        from plaza.accounts.actions import do_change_password

        do_change_password(user, password, keep_tokens=bool(getattr(user, "_plaza_keep_tokens", False)))

    def get_client_ip(self, request: HttpRequest) -> str:
        """The one client address of Plaza (``PLAZA_TRUSTED_PROXIES`` decides when the
        forwarded one is believed), for allauth's rate limits too."""
        from plaza.core.ratelimit import client_ip

        return client_ip(request)

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        """Failed sign-ins count per (account, address), so a guesser elsewhere cannot lock
        the owner out (allauth counts per account alone)."""
        from plaza.core.ratelimit import client_key

        return f"{super()._get_login_attempts_cache_key(request, **credentials)}|{client_key(request)}"

    def login(self, request: HttpRequest, user: Any) -> None:
        """Sign in, then speak the person's language and zone for the rest of this request.

        The middleware ran while the request was still anonymous; without this, the
        "Successfully signed in" message came out in the browser's language.
        """
        super().login(request, user)
        if getattr(user, "language", ""):
            translation.activate(user.language)
            request.LANGUAGE_CODE = translation.get_language()
        timezone.activate(zoneinfo.ZoneInfo(request_zone(request)))

    def get_signup_redirect_url(self, request: HttpRequest) -> str:
        code = request.session.get(INVITATION_SESSION_KEY)
        if code:
            return f"/invitations/{code}/"
        return super().get_signup_redirect_url(request)

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        code = request.session.get(INVITATION_SESSION_KEY)
        if code:
            return f"/invitations/{code}/"
        return super().get_login_redirect_url(request)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Sign-in through an OpenID Connect provider (single sign-on).

    An existing account is linked when the provider says the email address is verified
    (``SOCIALACCOUNT_EMAIL_AUTHENTICATION``); otherwise a new account is made when sign-up
    allows it (PLAZA_SIGNUP), even with SSO required, which closes password sign-up only.
    """

    def is_open_for_signup(self, request: HttpRequest, sociallogin: Any) -> bool:
        return signup_allowed(request)

    def populate_user(self, request: HttpRequest, sociallogin: Any, data: dict[str, Any]) -> Any:
        user = super().populate_user(request, sociallogin, data)
        email = data.get("email") or ""
        name = (
            data.get("name")
            or " ".join(p for p in (data.get("first_name"), data.get("last_name")) if p)
            or email.split("@")[0]
            or "member"
        )
        user.name = name[:100]
        user.handle = User.objects.make_handle(data.get("username") or user.name)
        if getattr(request, "LANGUAGE_CODE", "") in ("en", "zh-hans"):
            user.language = request.LANGUAGE_CODE
        user.timezone = request_zone(request)  # the browser's (tz cookie), else the default
        return user

    def save_user(self, request: HttpRequest, sociallogin: Any, form: Any = None) -> Any:
        user = super().save_user(request, sociallogin, form)
        from plaza.search.actions import index_user  # people are found by name and handle

        index_user(user, new=True)
        return user
