"""allauth's sign-in and password-reset forms, refused when single sign-on is required.

Apart from ``forms.py`` because allauth's own forms module imports the sign-up form class
from there (ACCOUNT_SIGNUP_FORM_CLASS).
"""

from __future__ import annotations

from typing import Any

from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import ResetPasswordForm as AllauthResetPasswordForm
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

SSO_ONLY_MESSAGE = _("Password sign-in is turned off on this server: sign in with single sign-on.")


class LoginForm(AllauthLoginForm):
    """allauth's sign-in form, refused outright when single sign-on is required."""

    def clean(self) -> dict[str, Any]:
        if settings.SSO_REQUIRED:
            raise forms.ValidationError(SSO_ONLY_MESSAGE)
        return super().clean()


class ResetPasswordForm(AllauthResetPasswordForm):
    """No password resets when single sign-on is required: passwords are not used."""

    def clean_email(self) -> str:
        if settings.SSO_REQUIRED:
            raise forms.ValidationError(SSO_ONLY_MESSAGE)
        return super().clean_email()
