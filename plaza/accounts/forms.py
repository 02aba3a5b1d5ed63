"""Forms of the account pages."""

from __future__ import annotations

import zoneinfo
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from plaza.accounts.models import LANGUAGE_CHOICES


class SignupForm(forms.Form):
    """Extra sign-up fields for django-allauth: a display name and an optional handle."""

    name = forms.CharField(label=_("Name"), max_length=100)
    handle = forms.CharField(
        label=_("Handle"), max_length=30, required=False,
        help_text=_("What @mentions use. Letters, digits, _ or Chinese; made from your name if empty."),
    )

    field_order = ["email", "name", "handle", "password1", "password2"]

    def clean_handle(self) -> str:
        from plaza.accounts.actions import check_handle
        from plaza.core.errors import Invalid

        handle = self.cleaned_data.get("handle", "")
        if not handle:
            return ""
        try:
            return check_handle(handle)
        except Invalid as exc:
            raise forms.ValidationError(exc.message()) from exc

    def signup(self, request: Any, user: Any) -> None:
        """Required by allauth; the adapter already set name and handle."""


class ProfileForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    handle = forms.CharField(label=_("Handle"), max_length=30)
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES)
    timezone = forms.ChoiceField(label=_("Time zone"), choices=[])
    avatar = forms.ImageField(label=_("Avatar"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["timezone"].choices = [(tz, tz) for tz in sorted(zoneinfo.available_timezones())]  # type: ignore[attr-defined]


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100)


class DeactivateForm(forms.Form):
    password = forms.CharField(label=_("Your password"), widget=forms.PasswordInput)

