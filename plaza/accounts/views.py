"""Pages of one's own account: profile, language, API tokens, deactivation.

Sign-in, sign-up, passwords, email addresses and two-factor are django-allauth's pages,
shown in Plaza's layout (templates/allauth/layouts/).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from plaza.accounts import actions, queries
from plaza.accounts.forms import DeactivateForm, ProfileForm, TokenForm
from plaza.accounts.models import LANGUAGE_CHOICES
from plaza.core.errors import Invalid, PlazaError


def _add_error(form: ProfileForm | TokenForm | DeactivateForm, exc: PlazaError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message())


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    initial = {name: getattr(user, name) for name in ProfileForm.base_fields if name not in ("avatar", "remove_avatar")}
    form = ProfileForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        avatar = data.pop("avatar", None) or None
        remove = bool(data.pop("remove_avatar", False))
        # A visibility left out of the form keeps its current value.
        data = {key: value for key, value in data.items() if value or not key.endswith("_visibility")}
        try:
            actions.do_update_profile(user, avatar=avatar, remove_avatar=remove, **data)
        except PlazaError as exc:
            if exc.field is None:
                raise
            _add_error(form, exc)
            user.refresh_from_db()  # the failed action may have changed the object in memory
        else:
            messages.success(request, _("Your profile was saved."))
            response = redirect("profile")
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, user.language, samesite="Lax")
            return response
    return render(request, "accounts/profile.html", {"form": form, "section": "profile"})


def set_language(request: HttpRequest) -> HttpResponse:
    """The top bar's language switcher. Signed in, the choice is kept in the profile."""
    if request.method != "POST":
        return redirect("home")
    language = request.POST.get("language", "")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        target = "/"
    if language not in dict(LANGUAGE_CHOICES):
        return redirect(target)
    if request.user.is_authenticated:
        try:
            actions.do_update_profile(request.user, language=language)
        except Invalid:
            return redirect(target)
    response = redirect(target)
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax")
    return response


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_key = actions.do_create_token(request.user, name=form.cleaned_data["name"])
        except Invalid as exc:
            _add_error(form, exc)
        else:
            form = TokenForm()
    context = {"form": form, "tokens": queries.list_tokens(request.user), "new_key": new_key, "section": "tokens"}
    response = render(request, "accounts/tokens.html", context)
    if new_key:
        response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def revoke_token(request: HttpRequest, token_id: int) -> HttpResponse:
    token = queries.list_tokens(request.user).filter(pk=token_id).first()
    if token is None:
        raise Http404()
    actions.do_revoke_token(token)
    messages.success(request, _("The token %(name)s was revoked.") % {"name": token.name})
    return redirect("tokens")


@login_required
def deactivate(request: HttpRequest) -> HttpResponse:
    form = DeactivateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not request.user.check_password(form.cleaned_data["password"]):
            form.add_error("password", _("The password is not right."))
        else:
            actions.do_deactivate_account(request.user)
            logout(request)
            messages.success(request, _("Your account was deactivated and you were signed out."))
            return redirect("home")
    return render(request, "accounts/deactivate.html", {"form": form, "section": "deactivate"})
