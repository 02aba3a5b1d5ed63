from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import Field

from plaza.core.schemas import UserOut


class ExhibitorIn(Schema):
    name: str
    description: str = ""
    contact: str = ""
    manager_ids: list[int] = Field(default_factory=list)
    logo_id: int | None = Field(default=None, description="Your own new image upload (POST /uploads), claimed as the logo.")


class ExhibitorPatch(Schema):
    """Only the fields sent change. ``logo_id: null`` removes the logo."""

    name: str | None = None
    description: str | None = None
    contact: str | None = None
    manager_ids: list[int] | None = Field(default=None, description="Replaces the managers: members of the space.")
    logo_id: int | None = Field(default=None, description="Your own new image upload, or the current logo; null removes it.")


class ExhibitorOut(Schema):
    id: int
    space: str
    name: str
    description: str
    contact: str
    logo_url: str | None
    managers: list[UserOut]
    created_at: datetime


class ExhibitorList(Schema):
    items: list[ExhibitorOut]
    next_cursor: str | None


class ProductIn(Schema):
    name: str
    category: str
    description: str = ""
    specs: dict[str, Any] | None = None
    price: Decimal | None = None
    currency: str | None = None
    image_ids: list[int] | None = None
    status: str = "draft"


class ProductPatch(Schema):
    name: str | None = None
    category: str | None = None
    description: str | None = None
    specs: dict[str, Any] | None = None
    price: Decimal | None = None
    currency: str | None = None
    image_ids: list[int] | None = None
    status: str | None = None


class ExhibitorBrief(Schema):
    id: int
    name: str
    contact: str


class ProductOut(Schema):
    id: int
    space: str
    exhibitor: ExhibitorBrief
    name: str
    category: str
    description: str
    specs: dict[str, str]
    price: Decimal | None
    currency: str
    image_ids: list[int]
    image_urls: list[str] = Field(default_factory=list, description="The images, downloaded by whoever may see the product.")
    status: str
    syndicated: bool = Field(description="Shown here from another space.")
    created_at: datetime
    updated_at: datetime


class ProductList(Schema):
    items: list[ProductOut]
    next_cursor: str | None


class SyndicateIn(Schema):
    space: str = Field(description="The target space's slug.")


class SyndicationOut(Schema):
    product_id: int
    space: str


class InquiryIn(Schema):
    message: str
    contact: str | None = None


class InquiryOut(Schema):
    id: int
    product_id: int
    product: str
    from_user: UserOut | None
    contact: str
    message: str
    status: str
    reply: str
    replied_at: datetime | None
    created_at: datetime


class InquiryCreatedOut(Schema):
    id: int
    status: str


class InquiryList(Schema):
    items: list[InquiryOut]
    next_cursor: str | None


class InquiryPatch(Schema):
    status: str
    reply: str | None = None
