from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

from plaza.core.schemas import UserOut


class SignupIn(Schema):
    email: str = Field(max_length=254)
    password: str = Field(max_length=128)
    name: str = Field(max_length=100)
    handle: str | None = Field(default=None, max_length=30)
    invitation: str | None = Field(default=None, max_length=64, description="Needed when sign-up is by invitation only.")


class SignupOut(Schema):
    user: UserOut
    token: str


class TokenIn(Schema):
    email: str = Field(max_length=254)
    password: str = Field(max_length=128)
    otp: str | None = Field(default=None, max_length=64, description="TOTP or recovery code when two-factor is on.")
    name: str | None = Field(default=None, max_length=100, description="A name for the token.")


class TokenOut(Schema):
    token: str


Visibility = Literal["shared", "private"]


class VisibilityOut(Schema):
    email: str = Field(alias="email_visibility")
    phone: str = Field(alias="phone_visibility")
    location: str = Field(alias="location_visibility")


class MeOut(Schema):
    id: int
    email: str
    name: str
    handle: str
    language: str
    timezone: str
    avatar_url: str | None = None
    title: str = ""
    organization: str = ""
    bio: str = ""
    phone: str = ""
    location: str = ""
    visibility: VisibilityOut = Field(description="Who sees each contact detail: shared (everyone who shares a space with you) or private (only you).")

    @staticmethod
    def resolve_visibility(obj: Any) -> Any:
        return obj


class VisibilityPatch(Schema):
    email: Visibility | None = None
    phone: Visibility | None = None
    location: Visibility | None = None


class MePatch(Schema):
    name: str | None = Field(default=None, max_length=100)
    handle: str | None = Field(default=None, max_length=30)
    language: str | None = Field(default=None, max_length=10)
    timezone: str | None = Field(default=None, max_length=64)
    title: str | None = Field(default=None, max_length=100)
    organization: str | None = Field(default=None, max_length=100)
    bio: str | None = Field(default=None, max_length=500)
    phone: str | None = Field(default=None, max_length=40)
    location: str | None = Field(default=None, max_length=100)
    visibility: VisibilityPatch | None = None


class ApiTokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime = Field(alias="created")
    last_used: datetime | None


class ApiTokenList(Schema):
    items: list[ApiTokenOut]
    next_cursor: str | None


class ApiTokenIn(Schema):
    name: str = Field(max_length=100)


class ApiTokenCreated(Schema):
    id: int
    name: str
    token: str


class DeactivateIn(Schema):
    password: str = Field(max_length=128)
