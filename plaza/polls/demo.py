"""Demo data for polls: a tasting poll for the wine lovers, and a secret ballot for members."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from plaza.accounts.models import User
from plaza.polls import actions
from plaza.spaces.access import space_access_for
from plaza.spaces.models import Space


def seed_polls() -> None:
    """Precondition: the spaces demo ran."""
    people = {u.email: u for u in User.objects.all()}
    lovers = Space.objects.get(slug="wine-lovers")
    li = people["li@wine.example"]
    tasting = actions.do_create_poll(
        space_access_for(li, lovers),
        question="下个月品鉴会选哪个产区？Which region for next month's tasting?",
        options=[{"text": "宁夏贺兰山东麓 Ningxia"}, {"text": "波尔多 Bordeaux"}, {"text": "勃艮第 Burgundy"},
                 {"text": "纳帕谷 Napa Valley"}],
        max_choices=2, closes_at=timezone.now() + timedelta(days=10), ballot="open", results="always",
    )
    options = list(tasting.options.order_by("position").values_list("pk", flat=True))
    for email, picks in (("liu@consumer.example", [0, 1]), ("sam@consumer.example", [1]), ("chen@greatwall-winery.example", [0]),
                         ("maria@bordeaux-imports.example", [1, 2])):
        user = people[email]
        actions.do_vote(space_access_for(user, lovers), tasting, option_ids=[options[i] for i in picks])
    companies = Space.objects.get(slug="member-companies")
    board = actions.do_create_poll(
        space_access_for(people["wang@wine.example"], companies),
        question="是否同意 2027 年会费标准？Do you approve the 2027 membership fee?",
        options=[{"text": "同意 Yes"}, {"text": "反对 No"}, {"text": "弃权 Abstain"}],
        ballot="secret", results="after_close",
    )
    yes = board.options.order_by("position").first()
    for email in ("chen@greatwall-winery.example", "maria@bordeaux-imports.example"):
        actions.do_vote(space_access_for(people[email], companies), board, option_ids=[yes.pk])  # type: ignore[union-attr]
