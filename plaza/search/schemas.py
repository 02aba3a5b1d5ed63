from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field

from plaza.core.schemas import UserOut


class SearchHitOut(Schema):
    type: str = Field(
        description="post, comment, blog, announcement, event, poll, product, case, mail, message, user, space or topic"
    )
    id: int
    title: str
    snippet: str = Field(description="Safe HTML: a piece of the text with the matched words in <mark>.")
    space: str | None = Field(default=None, description="The slug of the space the thing is in (none for mail and people).")
    url: str
    created_at: datetime
    author: UserOut | None = None


class SearchList(Schema):
    items: list[SearchHitOut]
    next_cursor: str | None
