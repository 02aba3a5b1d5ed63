"""Writes about people: sign-up, profile, tokens, deactivation."""

from __future__ import annotations

import re
import secrets
import zoneinfo
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from plaza.accounts import tokencache
from plaza.accounts.handles import is_valid_handle
from plaza.accounts.models import CONTACT_FIELDS, LANGUAGE_CHOICES, ApiToken, FieldVisibility, User
from plaza.accounts.queries import hash_token
from plaza.core import audit
from plaza.core.avatars import clean_square_image, delete_with_variants
from plaza.core.errors import Invalid
from plaza.core.realtime import recheck_sockets_on_commit, revoke_sockets_on_commit
from plaza.core.validation import check_text
from plaza.search import actions as search


def check_email(email: str, *, exclude: User | None = None) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise Invalid(_("Enter a valid email address."), field="email") from exc
    taken = User.objects.filter(email__iexact=email)
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    if taken.exists():
        raise Invalid(_("An account with this email already exists."), field="email")
    return email


def check_handle(handle: str, *, exclude: User | None = None) -> str:
    handle = (handle or "").strip().lstrip("@")
    if not is_valid_handle(handle):
        raise Invalid(
            _("A handle has 1 to 30 letters, digits, underscores or Chinese characters."), field="handle"
        )
    taken = User.objects.filter(handle__iexact=handle)
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    if taken.exists():
        raise Invalid(_("This handle is taken."), field="handle")
    return handle


def check_name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise Invalid(_("A name has 1 to 100 characters."), field="name")
    return name


def check_password(password: str, user: User | None = None) -> None:
    try:
        password_validation.validate_password(password or "", user)
    except ValidationError as exc:
        raise Invalid(" ".join(exc.messages), field="password") from exc


def _new_token(user: User, name: str) -> tuple[ApiToken, str]:
    key = "plz_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, key_hash=hash_token(key), prefix=key[:8])
    return token, key


@transaction.atomic
def do_signup(*, email: str, password: str, name: str, handle: str | None = None) -> tuple[User, str]:
    """Create an account and its first API token. Returns the user and the token key."""
    email = check_email(email)
    name = check_name(name)
    handle = check_handle(handle) if handle else User.objects.make_handle(name)
    user = User(email=email, name=name, handle=handle)
    check_password(password, user)
    user.set_password(password)
    user.save()
    search.index_user(user, new=True)
    _token, key = _new_token(user, _("Sign-up"))
    return user, key


@transaction.atomic
def do_create_token(user: User, *, name: str) -> tuple[ApiToken, str]:
    """A new personal token; the returned key is the only time it can be seen."""
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise Invalid(_("Give the token a name of 1 to 100 characters."), field="name")
    return _new_token(user, name)


@transaction.atomic
def do_revoke_token(token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        tokencache.forget(tokens=[token.key_hash])
        revoke_sockets_on_commit(token.user_id, token_id=token.pk)


def forget_token_checks(user_ids: Any) -> None:
    """Inside a transaction that changes these people's rows outside this module (their
    unread count): the token checks cached by every process carry the row
    (``accounts.tokencache``), so they are dropped."""
    tokencache.forget(users=user_ids)


PROFILE_FIELDS = ["name", "handle", "language", "timezone"]
# The person page's fields: (field, longest length).
ABOUT_FIELDS = {"title": 100, "organization": 100, "bio": 500, "phone": 40, "location": 100}
VISIBILITY_FIELDS = [f"{field}_visibility" for field in CONTACT_FIELDS]
PHONE = re.compile(r"^\+?[0-9 ().\-/]{3,40}$")


def check_phone(phone: str) -> str:
    """A phone number as people write one: digits, spaces, ``+ ( ) - . /``; "" clears it."""
    phone = check_text(phone, field="phone", max_len=40)
    if phone and (not PHONE.match(phone) or sum(ch.isdigit() for ch in phone) < 3):
        raise Invalid(_("Write a phone number with digits, spaces and + ( ) - only."), field="phone")
    return phone


@transaction.atomic
def do_update_profile(user: User, *, avatar: UploadedFile | None = None, remove_avatar: bool = False, **changes: Any) -> User:
    """Change the profile, each field validated first (422 naming it; nothing is saved then).

    ``changes`` may hold name, handle, language, timezone, title, organization, bio, phone,
    location and ``<email|phone|location>_visibility``. ``avatar`` is a new photo (sniffed,
    re-encoded and cropped square); ``remove_avatar`` goes back to the generated avatar.
    """
    unknown = set(changes) - set(PROFILE_FIELDS) - set(ABOUT_FIELDS) - set(VISIBILITY_FIELDS)
    if unknown:
        raise Invalid(_("Unknown field."), field=sorted(unknown)[0])
    if "name" in changes:
        user.name = check_name(changes["name"])
    if "handle" in changes:
        user.handle = check_handle(changes["handle"], exclude=user)
    if "language" in changes:
        if changes["language"] not in dict(LANGUAGE_CHOICES):
            raise Invalid(_("Choose English or Simplified Chinese."), field="language")
        user.language = changes["language"]
    if "timezone" in changes:
        if changes["timezone"] not in zoneinfo.available_timezones():
            raise Invalid(_("Unknown time zone."), field="timezone")
        user.timezone = changes["timezone"]
    for field, max_len in ABOUT_FIELDS.items():
        if field in changes:
            value = changes[field] or ""
            setattr(user, field, check_phone(value) if field == "phone" else check_text(value, field=field, max_len=max_len))
    for field in VISIBILITY_FIELDS:
        if field in changes:
            if changes[field] not in FieldVisibility.values:
                raise Invalid(_("Choose who sees it: %(choices)s.") % {"choices": ", ".join(FieldVisibility.values)}, field=field)
            setattr(user, field, changes[field])
    old_avatar = user.avatar.name if user.avatar else ""
    if avatar is not None:
        image = clean_square_image(avatar, field="avatar")
        user.avatar.save(image.name or "avatar.png", image, save=False)
    elif remove_avatar:
        user.avatar = None
    user.save()
    tokencache.forget(users=[user.pk])
    if old_avatar and old_avatar != (user.avatar.name if user.avatar else ""):
        # The old photo's files go once the new state is committed (a rollback keeps them).
        storage = user.avatar.storage
        transaction.on_commit(lambda: delete_with_variants(storage, old_avatar))
    search.index_user(user)
    return user


@transaction.atomic
def do_deactivate_account(user: User) -> None:
    """Sessions stop authenticating (inactive users are refused) and every token is revoked."""
    user.is_active = False
    user.save(update_fields=["is_active"])
    search.unindex(search.Kind.USER, user.pk)
    ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    tokencache.forget(users=[user.pk])
    audit.record(space=None, actor=user, action="account.deactivate", target=user)
    revoke_sockets_on_commit(user.pk)


@transaction.atomic
def do_change_password(user: User, password: str, *, keep_tokens: bool = False) -> int:
    """Set a new password (a change or a reset) and cut off whoever held the old one.

    Sessions signed in with the old password stop authenticating (Django checks the
    password hash kept in each session; the page that changed it re-signs its own), open
    sockets re-check their credential and close, and every API token is revoked unless
    ``keep_tokens``. Returns how many tokens were revoked. The password is validated by the
    form or caller first.
    """
    user.set_password(password)
    user.save(update_fields=["password"])
    revoked = 0
    if not keep_tokens:
        revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
        tokencache.forget(users=[user.pk])
    audit.record(space=None, actor=user, action="account.password", target=user, after={"tokens_revoked": revoked})
    recheck_sockets_on_commit(user.pk)
    return revoked
