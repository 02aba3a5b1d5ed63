from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field

from plaza.core.schemas import UserOut
from plaza.feed.models import MAX_BODY, MAX_COMMENT
from plaza.uploads.schemas import UploadOut


class PostIn(Schema):
    body: str = Field(description=f"Markdown, at most {MAX_BODY} characters.")
    team_id: int | None = None
    attachment_ids: list[int] = Field(default_factory=list)


class PostPatch(Schema):
    body: str


class ShareIn(Schema):
    space: str = Field(description="The slug of a space the sharer belongs to.")
    team_id: int | None = None
    body: str = ""





class SharedPostOut(Schema):
    id: int
    body: str
    html: str
    author: UserOut
    space: str
    team_id: int | None
    created_at: datetime
    edited: bool
    like_count: int
    comment_count: int
    share_count: int
    attachments: list[UploadOut]


class PostOut(Schema):
    id: int
    body: str
    html: str
    author: UserOut
    space: str = Field(description="The space's slug.")
    team_id: int | None
    created_at: datetime
    edited: bool
    edited_at: datetime | None
    pinned: bool
    like_count: int
    comment_count: int
    share_count: int
    liked_by_me: bool
    topics: list[str]
    mentions: list[UserOut]
    shared_post: SharedPostOut | None = Field(
        description="The original of a share; null when the viewer may not see it (or for a plain post)."
    )
    is_share: bool
    attachments: list[UploadOut]
    hidden: bool = Field(False, description="Hidden by moderators: only the space's admins and the author see it.")


class PostList(Schema):
    items: list[PostOut]
    next_cursor: str | None


class LikeOut(Schema):
    like_count: int
    liked_by_me: bool


class CommentIn(Schema):
    body: str = Field(description=f"Markdown, at most {MAX_COMMENT} characters.")
    reply_to: int | None = None


class CommentOut(Schema):
    id: int
    body: str
    html: str
    author: UserOut
    created_at: datetime
    reply_to: int | None
    hidden: bool = Field(False, description="Hidden by moderators: only the space's admins and the author see it.")


class CommentList(Schema):
    items: list[CommentOut]
    next_cursor: str | None


class SharedSpaceOut(Schema):
    slug: str
    name: str


class ContactOut(Schema):
    email: str | None = None
    phone: str | None = None
    location: str | None = None


class PersonOut(Schema):
    id: int
    name: str
    handle: str
    avatar_url: str | None = None
    title: str
    organization: str
    bio: str
    contact: ContactOut = Field(description="Only the details the person shows to the caller; the others are left out.")
    shared_spaces: list[SharedSpaceOut] = Field(description="Spaces both the caller and the person belong to.")
    following: bool


class FollowOut(Schema):
    user: UserOut
    following: bool


class PeopleList(Schema):
    items: list[UserOut]
    next_cursor: str | None = Field(None, description="Always null: ask with a longer ?q= instead.")
