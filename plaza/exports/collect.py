"""What goes into an export: one JSON document per kind of content, and the files.

This is the one place that reads every app's rows, so each part of a space export filters
through that app's own access condition (``space_posts_q``, ``space_blogs_q``...) for the
requesting admin, as they may see it now, and by the space. A personal export reads only
rows the person wrote or received.

Documents use the ActivityStreams 2.0 vocabulary where it fits (``Note``, ``Article``,
``Question``, ``Event``, ``Person``, ``Group``; ``attributedTo``, ``published``,
``content``), with Plaza's own fields under the ``plaza:`` prefix.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Q

from plaza.spaces.access import SpaceAccess

AS_CONTEXT = ["https://www.w3.org/ns/activitystreams", {"plaza": "https://plaza.example/ns#"}]


@dataclass
class FileRef:
    """A stored file to copy into the zip under ``files/``."""

    path: str  # the name in the zip, under files/
    field: Any  # a FieldFile
    name: str
    content_type: str


@dataclass
class Part:
    """One JSON file of the zip, built when the export reaches it."""

    name: str
    build: Callable[[Files], Any]


@dataclass
class Files:
    """The files the parts built so far refer to, by zip path."""

    refs: dict[str, FileRef] = field(default_factory=dict)

    def add(self, prefix: str, pk: int, field: Any, name: str, content_type: str) -> str | None:
        if not field:
            return None
        safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in name)[-80:] or "file"
        path = f"files/{prefix}-{pk}-{safe}"
        self.refs.setdefault(path, FileRef(path, field, name, content_type))
        return path


def _base() -> str:
    return settings.PLAZA_BASE_URL.rstrip("/")


def iri(path: str) -> str:
    return f"{_base()}{path}"


def when(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def person(user: Any) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"type": "Person", "id": iri(f"/u/{user.handle}/"), "name": user.name, "preferredUsername": user.handle}


def collection(items: list[Any], **extra: Any) -> dict[str, Any]:
    return {"@context": AS_CONTEXT, "type": "OrderedCollection", "totalItems": len(items), "orderedItems": items, **extra}


def _attachments(files: Files, rows: Iterable[Any]) -> list[dict[str, Any]]:
    out = []
    for att in rows:
        path = files.add("upload", att.pk, att.file, att.name, att.content_type)
        out.append(
            {
                "type": "Image" if att.is_image else "Document",
                "name": att.name,
                "mediaType": att.content_type,
                "plaza:size": att.size,
                "url": path,
            }
        )
    return out


def _uploads_by_id(ids: Iterable[int]) -> dict[int, Any]:
    from plaza.uploads.models import Attachment

    ids = [i for i in ids if i]
    return {a.pk: a for a in Attachment.objects.filter(pk__in=ids)} if ids else {}


# --- a space ------------------------------------------------------------------------------


def space_parts(acc: SpaceAccess) -> list[Part]:
    """The parts of ``acc.space``'s export, as ``acc`` (an admin) may see them."""
    return [
        Part("space.json", lambda f: _space(acc)),
        Part("members.json", lambda f: _members(acc)),
        Part("teams.json", lambda f: _teams(acc)),
        Part("posts.json", lambda f: _posts(acc, f)),
        Part("blogs.json", lambda f: _blogs(acc, f)),
        Part("announcements.json", lambda f: _announcements(acc)),
        Part("events.json", lambda f: _events(acc)),
        Part("polls.json", lambda f: _polls(acc, f)),
        Part("products.json", lambda f: _products(acc, f)),
        Part("cases.json", lambda f: _cases(acc, f)),
    ]


def _space(acc: SpaceAccess) -> dict[str, Any]:
    s = acc.space
    return {
        "@context": AS_CONTEXT,
        "type": "Group",
        "id": iri(f"/s/{s.slug}/"),
        "name": s.name,
        "summary": s.description,
        "published": when(s.created),
        "plaza:slug": s.slug,
        "plaza:visibility": s.visibility,
        "plaza:joinPolicy": s.join_policy,
    }


def _members(acc: SpaceAccess) -> dict[str, Any]:
    from plaza.spaces.models import Membership

    rows = Membership.objects.filter(space=acc.space).select_related("user").order_by("created", "pk")
    return collection([{**person(m.user), "plaza:role": m.role, "plaza:joined": when(m.created)} for m in rows])  # type: ignore[dict-item]


def _teams(acc: SpaceAccess) -> dict[str, Any]:
    from plaza.spaces.models import Team, TeamMembership

    members: dict[int, list[Any]] = defaultdict(list)
    for tm in TeamMembership.objects.filter(space=acc.space).select_related("user").order_by("created", "pk"):
        members[tm.team_id].append({**person(tm.user), "plaza:role": tm.role})  # type: ignore[dict-item]
    teams = Team.objects.filter(space=acc.space).order_by("created", "pk")
    return collection(
        [
            {
                "type": "Group",
                "id": iri(f"/s/{acc.space.slug}/teams/{t.pk}/"),
                "name": t.name,
                "summary": t.description,
                "published": when(t.created),
                "plaza:visibility": t.visibility,
                "plaza:members": members[t.pk],
            }
            for t in teams
        ]
    )


def _post_iri(post_id: int) -> str:
    return iri(f"/p/{post_id}/")


def _posts(acc: SpaceAccess, files: Files) -> dict[str, Any]:
    from plaza.feed.access import space_posts_q
    from plaza.feed.models import Comment, Like, Post
    from plaza.uploads.models import Attachment

    posts = list(
        Post.objects.filter(space_posts_q(acc), space=acc.space, deleted=False)
        .select_related("author", "shared_post")
        .order_by("created", "pk")
    )
    ids = [p.pk for p in posts]
    comments: dict[int, list[Any]] = defaultdict(list)
    for c in Comment.objects.filter(space=acc.space, post_id__in=ids).select_related("author").order_by("created", "pk"):
        comments[c.post_id].append(
            {
                "type": "Note",
                "id": iri(f"/p/{c.post_id}/#comment-{c.pk}"),
                "attributedTo": person(c.author),
                "content": c.html,
                "source": {"content": c.body, "mediaType": "text/markdown"},
                "published": when(c.created),
                "inReplyTo": iri(f"/p/{c.post_id}/#comment-{c.reply_to_id}") if c.reply_to_id else _post_iri(c.post_id),
            }
        )
    likes: dict[int, list[Any]] = defaultdict(list)
    for like in Like.objects.filter(space=acc.space, post_id__in=ids).select_related("user").order_by("created", "pk"):
        likes[like.post_id].append({"type": "Like", "actor": person(like.user), "published": when(like.created)})
    atts: dict[int, list[Any]] = defaultdict(list)
    for att in Attachment.objects.filter(space=acc.space, post_id__in=ids).order_by("pk"):
        atts[att.post_id].append(att)  # type: ignore[index]
    items = []
    for p in posts:
        item: dict[str, Any] = {
            "type": "Note",
            "id": _post_iri(p.pk),
            "attributedTo": person(p.author),
            "content": p.html,
            "source": {"content": p.body, "mediaType": "text/markdown"},
            "published": when(p.created),
            "updated": when(p.edited_at),
            "plaza:team": p.team_id,
            "attachment": _attachments(files, atts[p.pk]),
            "replies": {"type": "Collection", "totalItems": len(comments[p.pk]), "items": comments[p.pk]},
            "likes": {"type": "Collection", "totalItems": len(likes[p.pk]), "items": likes[p.pk]},
        }
        if p.shared_post_id:
            # A share names what it re-posts only when that post is of this space and seen.
            shared = p.shared_post
            same = shared is not None and shared.space_id == acc.space.pk and not shared.deleted and shared.pk in ids
            item["plaza:shares"] = _post_iri(p.shared_post_id) if same else "not available"
        items.append(item)
    return collection(items)


def _blogs(acc: SpaceAccess, files: Files) -> dict[str, Any]:
    from plaza.blogs.access import space_blogs_q
    from plaza.blogs.models import Blog

    blogs = Blog.objects.filter(space_blogs_q(acc), space=acc.space).select_related("author", "cover").order_by("created", "pk")
    items = []
    for b in blogs:
        cover = _attachments(files, [b.cover]) if b.cover_id and b.cover else []
        items.append(
            {
                "type": "Article",
                "id": iri(f"/b/{b.pk}/"),
                "name": b.title,
                "attributedTo": {"type": "Group", "name": acc.space.name} if b.as_space else person(b.author),
                "content": b.html,
                "source": {"content": b.body, "mediaType": "text/markdown"},
                "published": when(b.published_at),
                "updated": when(b.edited_at),
                "tag": [{"type": "Hashtag", "name": t} for t in b.tags],
                "image": cover[0] if cover else None,
                "plaza:status": b.status,
                "plaza:team": b.team_id,
                "plaza:author": person(b.author),
                "plaza:post": _post_iri(b.post_id) if b.post_id else None,
            }
        )
    return collection(items)


def _announcements(acc: SpaceAccess) -> dict[str, Any]:
    from plaza.announcements.access import space_announcements_q
    from plaza.announcements.models import Announcement, AnnouncementRecipient

    annc = list(
        Announcement.objects.filter(space_announcements_q(acc), space=acc.space)
        .select_related("author", "category")
        .order_by("created", "pk")
    )
    receipts: dict[int, list[Any]] = defaultdict(list)
    for r in (
        AnnouncementRecipient.objects.filter(space=acc.space, announcement_id__in=[a.pk for a in annc])
        .select_related("user")
        .order_by("pk")
    ):
        receipts[r.announcement_id].append(
            {"actor": person(r.user), "plaza:readAt": when(r.read_at), "plaza:acknowledgedAt": when(r.acknowledged_at)}
        )
    return collection(
        [
            {
                "type": "Note",
                "id": iri(f"/a/{a.pk}/"),
                "name": a.title,
                "attributedTo": person(a.author),
                "content": a.html,
                "source": {"content": a.body, "mediaType": "text/markdown"},
                "published": when(a.created),
                "updated": when(a.edited_at),
                "plaza:status": a.status,
                "plaza:category": a.category.name if a.category else None,
                "plaza:requireAck": a.require_ack,
                "plaza:teams": a.team_ids,
                "plaza:people": a.user_ids,
                "plaza:receipts": receipts[a.pk],
            }
            for a in annc
        ]
    )


def _events(acc: SpaceAccess) -> dict[str, Any]:
    from plaza.events.access import space_events_q
    from plaza.events.models import Attendee, Event

    events = list(Event.objects.filter(space_events_q(acc)).select_related("organiser").order_by("starts_at", "pk"))
    attendees: dict[int, list[Any]] = defaultdict(list)
    for a in (
        Attendee.objects.filter(space=acc.space, event_id__in=[e.pk for e in events])
        .select_related("user")
        .order_by("created", "pk")
    ):
        attendees[a.event_id].append(
            {"actor": person(a.user), "plaza:status": a.status, "plaza:respondedAt": when(a.responded_at)}
        )
    return collection(
        [
            {
                "type": "Event",
                "id": iri(f"/events/{e.pk}/"),
                "name": e.title,
                "attributedTo": person(e.organiser),
                "content": e.html,
                "source": {"content": e.description, "mediaType": "text/markdown"},
                "startTime": when(e.starts_at),
                "endTime": when(e.ends_at),
                "published": when(e.created),
                "location": {"type": "Place", "name": e.location} if e.location else None,
                "url": e.online_url or None,
                "plaza:timezone": e.timezone,
                "plaza:allDay": e.all_day,
                "plaza:capacity": e.capacity,
                "plaza:enrollment": e.enrollment,
                "plaza:state": e.state,
                "plaza:team": e.team_id,
                "plaza:attendees": attendees[e.pk],
            }
            for e in events
        ]
    )


def _polls(acc: SpaceAccess, files: Files) -> dict[str, Any]:
    """Questions with their tallies. Who chose what appears only for open ballots, as every
    voter sees it; anonymous ballots keep their voters to themselves, and secret ballots
    have nothing that could say it."""
    from plaza.polls.access import results_visible, space_polls_q
    from plaza.polls.models import Ballot, Poll, PollOption, Vote, Voter

    polls = list(Poll.objects.filter(space_polls_q(acc), space=acc.space).select_related("author").order_by("created", "pk"))
    ids = [p.pk for p in polls]
    options: dict[int, list[Any]] = defaultdict(list)
    for o in PollOption.objects.filter(space=acc.space, poll_id__in=ids):
        options[o.poll_id].append(o)
    open_ids = [p.pk for p in polls if p.ballot == Ballot.OPEN]
    chosen: dict[int, list[Any]] = defaultdict(list)
    for v in Vote.objects.filter(space=acc.space, poll_id__in=open_ids).select_related("user").order_by("pk"):
        chosen[v.option_id].append(person(v.user))
    admin_voted = set(Voter.objects.filter(space=acc.space, poll_id__in=ids, user=acc.user).values_list("poll_id", flat=True))
    uploads = _uploads_by_id(o.image_id for opts in options.values() for o in opts)
    items = []
    for p in polls:
        shown = results_visible(p, voted=p.pk in admin_voted)
        opts = []
        for o in options[p.pk]:
            entry: dict[str, Any] = {"type": "Note", "name": o.text}
            if shown:
                entry["replies"] = {"type": "Collection", "totalItems": o.votes}
                if p.ballot == Ballot.OPEN:
                    entry["replies"]["items"] = chosen[o.pk]
            if o.image_id in uploads:
                entry["image"] = _attachments(files, [uploads[o.image_id]])[0]
            opts.append(entry)
        items.append(
            {
                "type": "Question",
                "id": iri(f"/polls/{p.pk}/"),
                "name": p.question,
                "content": p.question,
                "attributedTo": person(p.author),
                "published": when(p.created),
                "endTime": when(p.closes_at),
                "closed": when(p.closed_at) if p.closed_at else p.closed,
                "anyOf" if p.max_choices > 1 else "oneOf": opts,
                "votersCount": p.voter_count,
                "plaza:ballot": p.ballot,
                "plaza:resultsShown": shown,
                "plaza:team": p.team_id,
            }
        )
    return collection(items)


def _products(acc: SpaceAccess, files: Files) -> dict[str, Any]:
    from plaza.showcase.models import Exhibitor, Product

    exhibitors = list(Exhibitor.objects.filter(space=acc.space).prefetch_related("managers").order_by("created", "pk"))
    products = list(Product.objects.filter(space=acc.space).order_by("created", "pk"))
    uploads = _uploads_by_id([i for p in products for i in p.image_ids] + [e.logo_id for e in exhibitors if e.logo_id])
    by_exhibitor: dict[int, list[Any]] = defaultdict(list)
    for p in products:
        by_exhibitor[p.exhibitor_id].append(
            {
                "type": "Object",
                "id": iri(f"/products/{p.pk}/"),
                "name": p.name,
                "content": p.description,
                "published": when(p.created),
                "updated": when(p.updated),
                "plaza:category": p.category,
                "plaza:specs": p.specs,
                "plaza:price": str(p.price) if p.price is not None else None,
                "plaza:currency": p.currency,
                "plaza:status": p.status,
                "image": _attachments(files, [uploads[i] for i in p.image_ids if i in uploads]),
            }
        )
    return collection(
        [
            {
                "type": "Organization",
                "name": e.name,
                "summary": e.description,
                "published": when(e.created),
                "plaza:contact": e.contact,
                "plaza:managers": [person(u) for u in e.managers.all()],
                "icon": _attachments(files, [uploads[e.logo_id]])[0] if e.logo_id in uploads else None,
                "plaza:products": by_exhibitor[e.pk],
            }
            for e in exhibitors
        ]
    )


def _cases(acc: SpaceAccess, files: Files) -> dict[str, Any]:
    from plaza.cases.access import reviewable_q
    from plaza.cases.models import CASE_EVENT_UPLOAD_KIND, CASE_UPLOAD_KIND, Case, CaseEvent
    from plaza.uploads.models import Attachment

    cases = list(
        Case.objects.filter(reviewable_q(acc), space=acc.space)
        .select_related("case_type", "assignee", "submitted_by")
        .order_by("created", "pk")
    )
    ids = [c.pk for c in cases]
    timeline: dict[int, list[Any]] = defaultdict(list)
    event_ids = []
    for ev in CaseEvent.objects.filter(space=acc.space, case_id__in=ids).select_related("actor").order_by("created", "pk"):
        event_ids.append(ev.pk)
        timeline[ev.case_id].append(
            {
                "type": "Activity",
                "plaza:kind": ev.kind,
                "plaza:status": ev.status,
                "content": ev.body,
                "plaza:public": ev.public,
                "actor": person(ev.actor),
                "published": when(ev.created),
                "plaza:data": ev.data,
            }
        )
    claimed = Attachment.objects.filter(
        Q(claimed_kind=CASE_UPLOAD_KIND, claimed_id__in=ids) | Q(claimed_kind=CASE_EVENT_UPLOAD_KIND, claimed_id__in=event_ids)
    )
    uploads: dict[int, list[Any]] = defaultdict(list)
    event_case = {}
    for ev_id, case_id in CaseEvent.objects.filter(pk__in=event_ids).values_list("pk", "case_id"):
        event_case[ev_id] = case_id
    for att in claimed.order_by("pk"):
        case_id = att.claimed_id if att.claimed_kind == CASE_UPLOAD_KIND else event_case.get(att.claimed_id)  # type: ignore[arg-type]
        if case_id is not None:
            uploads[case_id].append(att)
    return collection(
        [
            {
                "type": "Object",
                "id": iri(f"/s/{acc.space.slug}/cases/{c.number}/"),
                "name": c.number,
                "published": when(c.created),
                "updated": when(c.updated),
                "plaza:type": c.case_type.name,
                "plaza:values": c.values,
                "plaza:contactEmail": c.contact_email,
                "plaza:status": c.status,
                "plaza:outcome": c.outcome,
                "plaza:assignee": person(c.assignee),
                "plaza:submittedBy": person(c.submitted_by),
                "plaza:dueAt": when(c.due_at),
                "plaza:concludedAt": when(c.concluded_at),
                "plaza:timeline": timeline[c.pk],
                "attachment": _attachments(files, uploads[c.pk]),
            }
            for c in cases
        ]
    )


# --- a person -----------------------------------------------------------------------------


def personal_parts(user: Any) -> list[Part]:
    """The parts of ``user``'s personal export: what they wrote and what they received."""
    return [
        Part("profile.json", lambda f: _profile(user, f)),
        Part("memberships.json", lambda f: _memberships(user)),
        Part("posts.json", lambda f: _my_posts(user, f)),
        Part("comments.json", lambda f: _my_comments(user)),
        Part("likes.json", lambda f: _my_likes(user)),
        Part("blogs.json", lambda f: _my_blogs(user, f)),
        Part("mail.json", lambda f: _my_mail(user, f)),
        Part("chat.json", lambda f: _my_chat(user, f)),
        Part("notifications.json", lambda f: _my_notifications(user)),
        Part("announcements.json", lambda f: _my_announcements(user)),
        Part("events.json", lambda f: _my_events(user)),
        Part("polls.json", lambda f: _my_votes(user)),
    ]


def _profile(user: Any, files: Files) -> dict[str, Any]:
    avatar = files.add("avatar", user.pk, user.avatar, "avatar" + (user.avatar.name[-4:] if user.avatar else ""), "image/*")
    return {
        "@context": AS_CONTEXT,
        **person(user),
        "plaza:email": user.email,
        "plaza:language": user.language,  # type: ignore[dict-item]
        "plaza:timezone": user.timezone,
        "published": when(user.date_joined),
        "icon": avatar,
    }


def _memberships(user: Any) -> dict[str, Any]:
    from plaza.spaces.models import Membership, TeamMembership

    teams: dict[int, list[Any]] = defaultdict(list)
    for tm in TeamMembership.objects.filter(user=user).select_related("team").order_by("created", "pk"):
        teams[tm.space_id].append(
            {"type": "Group", "name": tm.team.name, "plaza:role": tm.role, "plaza:joined": when(tm.created)}
        )
    return collection(
        [
            {
                "type": "Group",
                "id": iri(f"/s/{m.space.slug}/"),
                "name": m.space.name,
                "plaza:role": m.role,
                "plaza:joined": when(m.created),
                "plaza:teams": teams[m.space_id],
            }
            for m in Membership.objects.filter(user=user).select_related("space").order_by("created", "pk")
        ]
    )


def _my_posts(user: Any, files: Files) -> dict[str, Any]:
    from plaza.feed.models import Post
    from plaza.uploads.models import Attachment

    posts = list(Post.objects.filter(author=user, deleted=False).select_related("space").order_by("created", "pk"))
    atts: dict[int, list[Any]] = defaultdict(list)
    for att in Attachment.objects.filter(post_id__in=[p.pk for p in posts], uploader=user).order_by("pk"):
        atts[att.post_id].append(att)  # type: ignore[index]
    return collection(
        [
            {
                "type": "Note",
                "id": _post_iri(p.pk),
                "attributedTo": person(user),
                "content": p.html,
                "source": {"content": p.body, "mediaType": "text/markdown"},
                "published": when(p.created),
                "updated": when(p.edited_at),
                "context": p.space.name,
                "plaza:likes": p.like_count,
                "plaza:comments": p.comment_count,
                "attachment": _attachments(files, atts[p.pk]),
            }
            for p in posts
        ]
    )


def _my_comments(user: Any) -> dict[str, Any]:
    from plaza.feed.models import Comment

    return collection(
        [
            {
                "type": "Note",
                "id": iri(f"/p/{c.post_id}/#comment-{c.pk}"),
                "attributedTo": person(user),
                "content": c.html,
                "source": {"content": c.body, "mediaType": "text/markdown"},
                "published": when(c.created),
                "inReplyTo": _post_iri(c.post_id),
            }
            for c in Comment.objects.filter(author=user).order_by("created", "pk")
        ]
    )


def _my_likes(user: Any) -> dict[str, Any]:
    from plaza.feed.models import Like

    return collection(
        [
            {"type": "Like", "actor": person(user), "object": _post_iri(like.post_id), "published": when(like.created)}
            for like in Like.objects.filter(user=user).order_by("created", "pk")
        ]
    )


def _my_blogs(user: Any, files: Files) -> dict[str, Any]:
    from plaza.blogs.models import Blog

    items = []
    for b in Blog.objects.filter(author=user).select_related("space", "cover").order_by("created", "pk"):
        cover = _attachments(files, [b.cover]) if b.cover_id and b.cover else []
        items.append(
            {
                "type": "Article",
                "name": b.title,
                "attributedTo": person(user),
                "content": b.html,
                "source": {"content": b.body, "mediaType": "text/markdown"},
                "published": when(b.published_at),
                "updated": when(b.edited_at),
                "context": b.space.name,
                "plaza:status": b.status,
                "image": cover[0] if cover else None,
            }
        )
    return collection(items)


def _my_mail(user: Any, files: Files) -> dict[str, Any]:
    """Every mail the person has: sent and received, with the people it went to."""
    from plaza.mail.models import Attachment, Delivery

    mine = list(Delivery.objects.filter(user=user).select_related("message__sender").order_by("created", "pk"))
    ids = [d.message_id for d in mine]
    to: dict[int, list[Any]] = defaultdict(list)
    cc: dict[int, list[Any]] = defaultdict(list)
    for d in Delivery.objects.filter(message_id__in=ids).exclude(role="sender").select_related("user").order_by("pk"):
        (cc if d.role == "cc" else to)[d.message_id].append(person(d.user))
    atts: dict[int, list[Any]] = defaultdict(list)
    for att in Attachment.objects.filter(message_id__in=ids).order_by("pk"):
        path = files.add("mail", att.pk, att.file, att.name, att.content_type)
        atts[att.message_id].append({"type": "Document", "name": att.name, "mediaType": att.content_type, "url": path})
    return collection(
        [
            {
                "type": "Note",
                "name": d.message.subject,
                "attributedTo": person(d.message.sender),
                "to": to[d.message_id],
                "cc": cc[d.message_id],
                "content": d.message.html,
                "source": {"content": d.message.body, "mediaType": "text/markdown"},
                "published": when(d.message.created),
                "plaza:folder": d.folder,
                "plaza:thread": d.message.thread_id,
                "attachment": atts[d.message_id],
            }
            for d in mine
        ]
    )


def _my_chat(user: Any, files: Files) -> dict[str, Any]:
    from plaza.chat.models import Attachment, Message

    msgs = list(
        Message.objects.filter(author=user, deleted_at__isnull=True, is_call_record=False)
        .select_related("group", "space")
        .order_by("created", "pk")
    )
    atts: dict[int, list[Any]] = defaultdict(list)
    for att in Attachment.objects.filter(message_id__in=[m.pk for m in msgs]).order_by("pk"):
        path = files.add("chat", att.pk, att.file, att.name, att.content_type)
        atts[att.message_id].append({"type": "Document", "name": att.name, "mediaType": att.content_type, "url": path})
    return collection(
        [
            {
                "type": "Note",
                "attributedTo": person(user),
                "content": m.html,
                "source": {"content": m.body, "mediaType": "text/markdown"},
                "published": when(m.created),
                "updated": when(m.edited_at),
                "context": f"{m.space.name} / {m.group.name}",
                "attachment": atts[m.pk],
            }
            for m in msgs
        ]
    )


def _my_notifications(user: Any) -> dict[str, Any]:
    from plaza.notifications.models import Notification

    return collection(
        [
            {
                "type": "Activity",
                "plaza:kind": n.kind,
                "actor": person(n.actor),
                "published": when(n.created),
                "plaza:readAt": when(n.read_at),
                "plaza:target": {"type": n.target_type, "id": n.target_id} if n.target_type else None,
                "plaza:data": n.data,
            }
            for n in Notification.objects.filter(recipient=user).select_related("actor").order_by("created", "pk")
        ]
    )


def _my_announcements(user: Any) -> dict[str, Any]:
    from plaza.announcements.models import AnnouncementRecipient, AnnouncementStatus

    rows = (
        AnnouncementRecipient.objects.filter(user=user, announcement__status=AnnouncementStatus.PUBLISHED)
        .select_related("announcement__author", "announcement__space")
        .order_by("created", "pk")
    )
    return collection(
        [
            {
                "type": "Note",
                "name": r.announcement.title,
                "attributedTo": person(r.announcement.author),
                "content": r.announcement.html,
                "published": when(r.announcement.created),
                "context": r.announcement.space.name,
                "plaza:readAt": when(r.read_at),
                "plaza:acknowledgedAt": when(r.acknowledged_at),
            }
            for r in rows
        ]
    )


def _my_events(user: Any) -> dict[str, Any]:
    from plaza.events.models import Attendee

    rows = Attendee.objects.filter(user=user).select_related("event__space").order_by("created", "pk")
    return collection(
        [
            {
                "type": "Event",
                "id": iri(f"/events/{a.event_id}/"),
                "name": a.event.title,
                "startTime": when(a.event.starts_at),
                "endTime": when(a.event.ends_at),
                "context": a.event.space.name,
                "plaza:myStatus": a.status,
                "plaza:respondedAt": when(a.responded_at),
            }
            for a in rows
        ]
    )


def _my_votes(user: Any) -> dict[str, Any]:
    """The polls the person voted in; their own choices where one is kept (never for a
    secret ballot, which keeps none)."""
    from plaza.polls.models import Vote, Voter

    choices: dict[int, list[str]] = defaultdict(list)
    for v in Vote.objects.filter(user=user).select_related("option"):
        choices[v.poll_id].append(v.option.text)
    return collection(
        [
            {
                "type": "Question",
                "id": iri(f"/polls/{v.poll_id}/"),
                "name": v.poll.question,
                "context": v.poll.space.name,
                "plaza:ballot": v.poll.ballot,
                "plaza:votedAt": when(v.created),
                "plaza:myChoices": choices[v.poll_id],
            }
            for v in Voter.objects.filter(user=user).select_related("poll__space").order_by("created", "pk")
        ]
    )
