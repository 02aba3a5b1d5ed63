"""Search API: one route over everything the caller may open now."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router
from ninja.responses import NinjaJSONEncoder

from plaza.core import ratelimit
from plaza.core.auth import optional
from plaza.core.schemas import errors
from plaza.search import queries
from plaza.search.schemas import SearchList

router = Router(tags=["search"])

SEARCH_LIMIT = 120  # searches per minute, per person (signed out: per address)


def rate_limit(request: HttpRequest, user: Any) -> None:
    if getattr(user, "is_authenticated", False):
        ratelimit.hit("search", str(user.pk), limit=SEARCH_LIMIT, window=60)
    else:
        ratelimit.hit("search-ip", ratelimit.client_ip(request), limit=SEARCH_LIMIT, window=60)


# ninja's JSON renderer is ``json.dumps(data, cls=NinjaJSONEncoder)``; the page is built in
# its schema's shape and rendered with one encoder, skipping the per-item validation (about
# a third of a search's CPU, measured with ``plaza bench``, G9); ``response=`` still
# documents the route and the tests read it through the schema's fields.
_ENCODER = NinjaJSONEncoder()


def author_out(user: Any) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.pk, "name": user.name, "handle": user.handle, "avatar_url": user.avatar_url}


def hit_out(hit: queries.Hit) -> dict[str, Any]:
    doc = hit.doc
    return {
        "type": doc.kind,
        "id": doc.object_id,
        "title": doc.title,
        "snippet": hit.snippet,
        "space": doc.space.slug if doc.space_id else None,
        "url": hit.url,
        "created_at": doc.created,
        "author": author_out(doc.author),
    }


@router.get("/search", auth=optional, response={200: SearchList, **errors(422, 429)})
def search(
    request: HttpRequest,
    q: str = "",
    type: str | None = None,
    space: str | None = None,
    date_from: date | None = Query(None, alias="from"),  # noqa: B008  (the parameter is named `from`)
    date_to: date | None = Query(None, alias="to"),  # noqa: B008
    cursor: str | None = None,
    limit: int | None = None,
) -> HttpResponse:
    """Search posts, comments, blogs, announcements, events, polls, products, cases, mail,
    discussion-group messages, people, spaces and topics: only what the caller may open
    now, newest first. ``q`` in Chinese and/or English (the last word matches as a prefix);
    ``type`` one kind (or several, comma-separated); ``space`` a slug; ``from``/``to`` dates.
    """
    rate_limit(request, request.auth)
    text = queries.check_query(q)
    kinds = queries.check_kinds(type)
    hits, next_cursor = queries.search(
        request.auth, q=text, kinds=kinds, space=space or None, date_from=date_from, date_to=date_to, cursor=cursor, limit=limit
    )
    data = {"items": [hit_out(h) for h in hits], "next_cursor": next_cursor}
    return HttpResponse(_ENCODER.encode(data), content_type="application/json; charset=utf-8")
