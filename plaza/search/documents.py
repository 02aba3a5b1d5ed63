"""What each kind of thing puts in the index: one function per kind, from its model object.

The functions read only fields (and relations passed in), so the migration can run them on
its historical models and ``plaza reindex`` on the live ones (:func:`iter_all`).
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterator
from typing import Any

from plaza.search.models import MAX_TEXT, Kind

Doc = dict[str, Any]
BATCH = 500


_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")  # [text](url) and ![alt](src)
_MARKUP = re.compile(r"(\*\*|__|`|^#{1,6}\s+|^>\s?)", re.M)


def plain(text: str) -> str:
    """Markdown as the words a reader sees: link text without its address, no emphasis marks."""
    return _MARKUP.sub("", _LINK.sub(r"\1", text or ""))


def _title_from(text: str, limit: int = 80) -> str:
    line = next((ln.strip() for ln in plain(text).splitlines() if ln.strip()), "")
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _doc(
    kind: str,
    pk: int,
    *,
    title: str,
    text: str,
    created: Any,
    space_id: int | None = None,
    team_id: int | None = None,
    author_id: int | None = None,
    ref: str = "",
) -> Doc:
    return {
        "kind": kind,
        "object_id": pk,
        "space_id": space_id,
        "team_id": team_id,
        "author_id": author_id,
        "ref": str(ref)[:100],
        "title": (title or "")[:300],
        "text": plain(text)[:MAX_TEXT],
        "created": created,
    }


def post_doc(post: Any) -> Doc:
    return _doc(
        Kind.POST,
        post.pk,
        title=_title_from(post.body),
        text=post.body,
        created=post.created,
        space_id=post.space_id,
        team_id=post.team_id,
        author_id=post.author_id,
    )


def comment_doc(comment: Any, post: Any) -> Doc:
    return _doc(
        Kind.COMMENT,
        comment.pk,
        title=_title_from(post.body) or _title_from(comment.body),
        text=comment.body,
        created=comment.created,
        space_id=comment.space_id,
        team_id=post.team_id,
        author_id=comment.author_id,
        ref=post.pk,
    )


def blog_doc(blog: Any) -> Doc:
    return _doc(
        Kind.BLOG,
        blog.pk,
        title=blog.title,
        text=blog.body,
        created=blog.created,
        space_id=blog.space_id,
        team_id=blog.team_id,
        author_id=blog.author_id,
    )


def announcement_doc(announcement: Any) -> Doc:
    return _doc(
        Kind.ANNOUNCEMENT,
        announcement.pk,
        title=announcement.title,
        text=announcement.body,
        created=announcement.created,
        space_id=announcement.space_id,
        author_id=announcement.author_id,
    )


def event_doc(event: Any) -> Doc:
    text = "\n".join(x for x in (event.description, event.location) if x)
    return _doc(
        Kind.EVENT,
        event.pk,
        title=event.title,
        text=text,
        created=event.created,
        space_id=event.space_id,
        team_id=event.team_id,
        author_id=event.organiser_id,
    )


def poll_doc(poll: Any, options: list[str]) -> Doc:
    return _doc(
        Kind.POLL,
        poll.pk,
        title=poll.question,
        text=" · ".join(options),
        created=poll.created,
        space_id=poll.space_id,
        team_id=poll.team_id,
        author_id=poll.author_id,
    )


def product_doc(product: Any) -> Doc:
    text = "\n".join(x for x in (product.category, product.description) if x)
    return _doc(Kind.PRODUCT, product.pk, title=product.name, text=text, created=product.created, space_id=product.space_id)


def case_doc(case: Any, type_name: str) -> Doc:
    values = case.values if isinstance(case.values, dict) else {}
    text = "\n".join(str(v) for v in values.values() if isinstance(v, str | int | float) and str(v).strip())
    return _doc(
        Kind.CASE,
        case.pk,
        title=f"{case.number} · {type_name}",
        text=text,
        created=case.created,
        space_id=case.space_id,
        ref=case.number,
    )


def mail_doc(message: Any) -> Doc:
    return _doc(
        Kind.MAIL, message.pk, title=message.subject, text=message.body, created=message.created, author_id=message.sender_id
    )


def message_doc(message: Any, group_name: str) -> Doc:
    return _doc(
        Kind.MESSAGE,
        message.pk,
        title=group_name,
        text=message.body,
        created=message.created,
        space_id=message.space_id,
        author_id=message.author_id,
        ref=message.group_id,
    )


def user_doc(user: Any) -> Doc:
    return _doc(Kind.USER, user.pk, title=user.name, text=f"@{user.handle}", created=user.date_joined, ref=user.handle)


def space_doc(space: Any) -> Doc:
    return _doc(
        Kind.SPACE, space.pk, title=space.name, text=space.description, created=space.created, space_id=space.pk, ref=space.slug
    )


def topic_doc(topic: Any) -> Doc:
    return _doc(
        Kind.TOPIC,
        topic.pk,
        title=f"#{topic.name}",
        text=topic.name,
        created=topic.created,
        space_id=topic.space_id,
        ref=topic.name,
    )


def iter_all(apps: Any) -> Iterator[Doc]:
    """Every document of the database, oldest first across kinds, from the models of
    ``apps`` (the live registry, or a migration's historical one). Results are listed in
    the index's order, so a rebuilt index keeps creation order."""

    def model(label: str) -> Any:
        return apps.get_model(*label.split("."))

    def by_date(qs: Any, field: str = "created") -> Iterator[Any]:
        return qs.order_by(field, "pk").iterator(chunk_size=BATCH)

    options: dict[int, list[str]] = {}
    for poll_id, text in model("polls.PollOption").objects.order_by("poll_id", "pk").values_list("poll_id", "text"):
        options.setdefault(poll_id, []).append(text)
    chat = model("chat.Message").objects.filter(deleted_at__isnull=True, is_call_record=False).select_related("group")
    sources = [
        (space_doc(s) for s in by_date(model("spaces.Space").objects.all())),
        (user_doc(u) for u in by_date(model("accounts.User").objects.filter(is_active=True), "date_joined")),
        (post_doc(p) for p in by_date(model("feed.Post").objects.filter(deleted=False))),
        (
            comment_doc(c, c.post)
            for c in by_date(model("feed.Comment").objects.filter(post__deleted=False).select_related("post"))
        ),
        (topic_doc(t) for t in by_date(model("feed.Topic").objects.all())),
        (blog_doc(b) for b in by_date(model("blogs.Blog").objects.all())),
        (announcement_doc(a) for a in by_date(model("announcements.Announcement").objects.filter(status="published"))),
        (event_doc(e) for e in by_date(model("events.Event").objects.all())),
        (poll_doc(p, options.get(p.pk, [])) for p in by_date(model("polls.Poll").objects.all())),
        (product_doc(p) for p in by_date(model("showcase.Product").objects.all())),
        (case_doc(c, c.case_type.name) for c in by_date(model("cases.Case").objects.select_related("case_type"))),
        (mail_doc(m) for m in by_date(model("mail.Message").objects.all())),
        (message_doc(m, m.group.name) for m in by_date(chat)),
    ]
    yield from heapq.merge(*sources, key=lambda doc: doc["created"])
