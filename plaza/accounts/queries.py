"""Reads about people and tokens."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone

from plaza.accounts.models import ApiToken, User


def hash_token(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def get_token_user(key: str) -> tuple[User, ApiToken] | None:
    """The active user and live token for ``key``, or None. One query on the hot path."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(key), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    # Record use at most once an hour so reads do not become writes.
    if token.last_used is None or now - token.last_used > timedelta(hours=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used=now)
    return token.user, token


def list_tokens(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).order_by("-created")
