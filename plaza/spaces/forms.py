"""Forms of the space pages. They parse input; the actions validate and decide."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django import forms
from django.utils.translation import gettext_lazy as _

from plaza.spaces.models import JoinPolicy, Role, TeamRole, TeamVisibility, Visibility


class SpaceForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    slug = forms.CharField(
        label=_("Address"), max_length=64,
        help_text=_("Lowercase letters, digits and hyphens; the space lives at /s/<address>/."),
    )
    description = forms.CharField(label=_("Description"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    visibility = forms.ChoiceField(label=_("Visibility"), choices=Visibility.choices, initial=Visibility.PRIVATE)
    join_policy = forms.ChoiceField(label=_("Who can join"), choices=JoinPolicy.choices, initial=JoinPolicy.INVITE)


class CreateSpaceForm(SpaceForm):
    parent = forms.ChoiceField(label=_("Parent space"), required=False, help_text=_("Make this a sub-space of a space you administer."))

    def __init__(self, *args: Any, parents: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].choices = [("", _("None: a top-level space"))] + list(parents or [])  # type: ignore[attr-defined]


class SpaceSettingsForm(SpaceForm):
    logo = forms.ImageField(label=_("Logo"), required=False, help_text=_("A square PNG or JPEG works best."))


class AppsForm(forms.Form):
    """The apps of a space: one checkbox each (``spaces.access.APPS``), checked when on."""

    apps = forms.MultipleChoiceField(
        label=_("Apps that are on"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("A turned-off app disappears from the space bar, its pages and API answer 404, and its content is not shown on the home pages or found by search. Turning it on again brings everything back."),
    )

    def __init__(self, *args: Any, apps: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["apps"].choices = apps  # type: ignore[attr-defined]


class DeleteSpaceForm(forms.Form):
    confirm = forms.CharField(label=_("Type the space's address to confirm"), max_length=64)


class JoinForm(forms.Form):
    message = forms.CharField(label=_("Message to the admins"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class MemberSearchForm(forms.Form):
    q = forms.CharField(label=_("Search members"), required=False, max_length=100)


def person_choice(form: forms.Form, candidates: list[tuple[int, str]] | None, picker_space: str) -> None:
    """The form's ``user_id`` choices, and with ``picker_space`` the type-ahead people picker
    (static/people-picker.js) over that space's members."""
    form.fields["user_id"].choices = list(candidates or [])  # type: ignore[attr-defined]
    if picker_space:
        form.fields["user_id"].widget.attrs.update({
            "data-people-picker": f"/api/v1/people?space={quote(picker_space)}",
            "data-t-placeholder": _("Type a name or @handle"),
            "data-t-remove": _("Remove %(name)s"),
            "data-t-none": _("Nobody found"),
            "data-t-found": _("%(n)s people found"),
            "data-t-added": _("%(name)s added"),
        })


class TransferForm(forms.Form):
    user_id = forms.TypedChoiceField(label=_("New owner"), coerce=int)

    def __init__(self, *args: Any, candidates: list[tuple[int, str]] | None = None, picker_space: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        person_choice(self, candidates, picker_space)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"), help_text=_("One person per row: email,name,role (role is admin, member or guest)."))


EXPIRY_CHOICES = [
    ("", _("Never")),
    ("1", _("In 1 day")),
    ("7", _("In 7 days")),
    ("30", _("In 30 days")),
]


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("Email"), required=False,
        help_text=_("Leave empty to create a shareable link instead of sending an email."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=[(r.value, r.label) for r in Role if r != Role.OWNER], initial=Role.MEMBER)
    max_uses = forms.IntegerField(label=_("Maximum uses"), required=False, min_value=1, help_text=_("Links only; empty means unlimited."))
    expires_in = forms.ChoiceField(label=_("Expires"), choices=EXPIRY_CHOICES, required=False, initial="7")


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    description = forms.CharField(label=_("Description"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    visibility = forms.ChoiceField(label=_("Visibility"), choices=TeamVisibility.choices, initial=TeamVisibility.PUBLIC)


class TeamMemberForm(forms.Form):
    user_id = forms.TypedChoiceField(label=_("Person"), coerce=int)
    role = forms.ChoiceField(label=_("Team role"), choices=TeamRole.choices, initial=TeamRole.MEMBER)

    def __init__(self, *args: Any, candidates: list[tuple[int, str]] | None = None, picker_space: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        person_choice(self, candidates, picker_space)


def add_plaza_error(form: forms.Form, exc: Any) -> None:
    """Put an action's error on the named field, or on the form when it names none we show."""
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message())
