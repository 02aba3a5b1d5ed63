from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Schema
from pydantic import Field

from plaza.blogs.models import MAX_BODY, MAX_TITLE
from plaza.core.schemas import DateTimeIn, Int32, UserOut


class BlogIn(Schema):
    title: str = Field(description=f"At most {MAX_TITLE} characters.")
    body: str = Field("", description=f"Markdown, at most {MAX_BODY} characters; rendered and sanitized.")
    status: Literal["draft", "published"] = "draft"
    team_id: int | None = None
    tags: list[str] = Field(default_factory=list)
    as_space: bool = Field(False, description="Written by the space itself (admins only).")
    cover_id: int | None = Field(None, description="An image id from POST /uploads.")


class BlogPatch(Schema):
    title: str | None = None
    body: str | None = None
    status: Literal["draft", "published"] | None = Field(None, description="'published' publishes a draft.")
    tags: list[str] | None = None
    cover_id: int | None = None


class CoverOut(Schema):
    id: int
    url: str


class BlogOut(Schema):
    id: int
    title: str
    body: str
    html: str
    status: str
    author: UserOut
    as_space: bool
    byline: str = Field(description="The space's name for blogs written as the space, else the author's.")
    space: str = Field(description="The space's slug.")
    team_id: int | None
    tags: list[str]
    cover: CoverOut | None
    post_id: int | None = Field(description="The feed post announcing it; its comments and likes are the blog's.")
    like_count: int
    comment_count: int
    liked_by_me: bool
    created_at: datetime
    published_at: datetime | None
    edited_at: datetime | None
    url: str


class BlogList(Schema):
    items: list[BlogOut]
    next_cursor: str | None


class HeadlineIn(Schema):
    kind: Literal["blog", "post", "announcement"]
    id: int = Field(description="The id of the blog, post or announcement.")
    position: Int32 | None = Field(None, description="Lower first; last when omitted.")
    expires_at: DateTimeIn | None = None
    cover_id: int | None = Field(None, description="An image id from POST /uploads.")


class HeadlineOut(Schema):
    id: int
    kind: str
    target_id: int
    title: str
    summary: str
    position: int
    expires_at: datetime | None
    cover_url: str | None
    view_count: int
    url: str = Field(description="Opening the item through this link counts a view.")


class HeadlineList(Schema):
    items: list[HeadlineOut]
