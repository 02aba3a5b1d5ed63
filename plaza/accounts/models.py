"""People: one account per person, personal API tokens."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone as dj_timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from plaza.accounts.handles import handle_candidates

LANGUAGE_CHOICES = [("en", "English"), ("zh-hans", "简体中文")]


class FieldVisibility(models.TextChoices):
    """Who sees one contact detail on the person page and in ``GET /users/{id}``."""

    SHARED = "shared", _("Everyone who shares a space with me")
    PRIVATE = "private", _("Only me")


# The contact details that carry their own visibility, each with its ``<field>_visibility``.
CONTACT_FIELDS = ("email", "phone", "location")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def make_handle(self, name: str) -> str:
        """A free handle made from ``name``: its word characters, then a number if taken."""
        for candidate in handle_candidates(name):
            if not self.filter(handle__iexact=candidate).exists():
                return candidate
        raise AssertionError("handle_candidates never ends")

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        email = self.normalize_email(email).lower()
        extra.setdefault("name", email.split("@")[0])
        extra.setdefault("handle", self.make_handle(extra["name"]))
        user = self.model(email=email, **extra)
        user.set_password(password)
        user.save(using=self._db)
        from plaza.search.actions import index_user  # people are found by name and handle

        index_user(user, new=True)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("email"), unique=True)
    name = models.CharField(_("name"), max_length=100)
    handle = models.CharField(_("handle"), max_length=30, unique=True)
    avatar = models.ImageField(_("avatar"), upload_to="avatars/", blank=True)
    language = models.CharField(_("language"), max_length=10, choices=LANGUAGE_CHOICES, default="en")
    timezone = models.CharField(_("time zone"), max_length=64, default="UTC")
    # The person page (feed.views.person): shown to everyone who may see the person.
    title = models.CharField(pgettext_lazy("person", "title"), max_length=100, blank=True)
    organization = models.CharField(_("organisation"), max_length=100, blank=True)
    bio = models.CharField(_("bio"), max_length=500, blank=True)
    # Contact details, each shown to the people its visibility names (CONTACT_FIELDS).
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    location = models.CharField(_("location"), max_length=100, blank=True)
    email_visibility = models.CharField(max_length=10, choices=FieldVisibility.choices, default=FieldVisibility.PRIVATE)
    phone_visibility = models.CharField(max_length=10, choices=FieldVisibility.choices, default=FieldVisibility.PRIVATE)
    location_visibility = models.CharField(max_length=10, choices=FieldVisibility.choices, default=FieldVisibility.SHARED)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=dj_timezone.now)
    # Kept in step by the notifications actions, so the unread badge needs no COUNT(*).
    unread_notifications = models.PositiveIntegerField(default=0)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [models.UniqueConstraint(Lower("handle"), name="user_handle_ci")]

    def __str__(self) -> str:
        return f"{self.name} (@{self.handle})"

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name

    @property
    def avatar_url(self) -> str | None:
        return self.avatar.url if self.avatar else None

    def contact_for(self, viewer_pk: int | None) -> dict[str, str]:
        """The contact details ``viewer_pk`` may read. The caller has checked already that
        the viewer may see this person at all (shares a space with them)."""
        mine = viewer_pk == self.pk
        return {
            field: getattr(self, field)
            for field in CONTACT_FIELDS
            if getattr(self, field) and (mine or getattr(self, f"{field}_visibility") == FieldVisibility.SHARED)
        }


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored; the key is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)
    created = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "-created"], name="token_user_created")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
