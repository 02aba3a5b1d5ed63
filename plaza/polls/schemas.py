from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field

from plaza.core.schemas import DateTimeIn, Int32, UserOut


class OptionIn(Schema):
    text: str
    image_id: int | None = None


class PollIn(Schema):
    question: str
    options: list[OptionIn]
    max_choices: Int32 = 1
    closes_at: DateTimeIn | None = None
    ballot: str = "open"
    results: str = "always"
    team_id: int | None = None


class OptionOut(Schema):
    id: int
    text: str
    image_id: int | None = None
    image_url: str | None = Field(default=None, description="The option's image, downloaded by whoever may see the poll.")
    votes: int | None = Field(default=None, description="Only when the results are visible to the caller.")


class PollOut(Schema):
    id: int
    space: str
    team_id: int | None
    author: UserOut | None
    question: str
    max_choices: int
    closes_at: datetime | None
    ballot: str
    results: str
    closed: bool
    results_visible: bool
    voter_count: int | None
    voted: bool
    my_choices: list[int] | None = Field(default=None, description="Not kept for secret ballots.")
    options: list[OptionOut]
    created_at: datetime


class PollList(Schema):
    items: list[PollOut]
    next_cursor: str | None


class VoteIn(Schema):
    option_ids: list[int]


class VoterOut(Schema):
    user: UserOut
    voted_at: datetime


class VoterList(Schema):
    items: list[VoterOut]
    next_cursor: str | None
