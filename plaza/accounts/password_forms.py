"""allauth's password forms with a "keep my API tokens" box (unticked: revoke them).

Apart from ``forms.py`` because allauth's forms module imports the sign-up form there.
"""

from __future__ import annotations

from allauth.account.forms import ChangePasswordForm, ResetPasswordKeyForm, SetPasswordForm
from django import forms
from django.utils.translation import gettext_lazy as _


def _keep_tokens_field() -> forms.BooleanField:
    return forms.BooleanField(
        label=_("Keep my API tokens"),
        required=False,
        initial=False,
        help_text=_("Leave this unticked to revoke every API token: apps and scripts must sign in again."),
    )


class _KeepTokensMixin:
    """A "keep my API tokens" box (unticked: revoke) on the password forms; the adapter's
    ``set_password`` reads it from the user it is saving."""

    def save(self) -> None:
        self.user._plaza_keep_tokens = bool(self.cleaned_data.get("keep_tokens"))  # type: ignore[attr-defined]
        super().save()  # type: ignore[misc]


class PasswordChangeForm(_KeepTokensMixin, ChangePasswordForm):
    keep_tokens = _keep_tokens_field()


class PasswordSetForm(_KeepTokensMixin, SetPasswordForm):
    keep_tokens = _keep_tokens_field()


class PasswordResetKeyForm(_KeepTokensMixin, ResetPasswordKeyForm):
    keep_tokens = _keep_tokens_field()
