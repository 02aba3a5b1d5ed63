from __future__ import annotations

from datetime import datetime

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


class MeOut(Schema):
    id: int
    email: str
    name: str
    handle: str
    language: str
    timezone: str
    avatar_url: str | None = None


class MePatch(Schema):
    name: str | None = None
    handle: str | None = None
    language: str | None = None
    timezone: str | None = None


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
