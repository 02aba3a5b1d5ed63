"""Forms of the account pages."""

from __future__ import annotations

import zoneinfo
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from plaza.accounts.models import LANGUAGE_CHOICES, FieldVisibility


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
    """The profile page. Lengths and formats are checked by ``do_update_profile`` (the API's
    checks), whose errors come back on their fields."""

    avatar = forms.FileField(
        label=_("Photo"), required=False,
        help_text=_("JPEG, PNG, GIF or WebP; cropped to a square. Without a photo, your initials are shown."),
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/gif,image/webp"}),
    )
    remove_avatar = forms.BooleanField(label=_("Remove the photo"), required=False)
    name = forms.CharField(label=_("Name"), max_length=100)
    handle = forms.CharField(label=_("Handle"), max_length=30)
    title = forms.CharField(label=pgettext_lazy("person", "Title"), max_length=100, required=False, help_text=_("Your job or role, e.g. Sales manager."))
    organization = forms.CharField(label=_("Organisation"), max_length=100, required=False)
    bio = forms.CharField(label=_("About you"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    email_visibility = forms.ChoiceField(required=False, label=_("Who sees your email address"), choices=FieldVisibility.choices)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    phone_visibility = forms.ChoiceField(required=False, label=_("Who sees your phone"), choices=FieldVisibility.choices)
    location = forms.CharField(label=_("Location"), max_length=100, required=False, help_text=_("City, office or desk."))
    location_visibility = forms.ChoiceField(required=False, label=_("Who sees your location"), choices=FieldVisibility.choices)
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES)
    timezone = forms.ChoiceField(label=_("Time zone"), choices=[])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["timezone"].choices = [(tz, tz) for tz in sorted(zoneinfo.available_timezones())]  # type: ignore[attr-defined]


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100)


class DeactivateForm(forms.Form):
    password = forms.CharField(label=_("Your password"), widget=forms.PasswordInput)

