"""Reading the index: one search, whatever the engine, filtered by what the searcher may open."""

from __future__ import annotations

import functools
import html
import operator
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import quote

import nh3
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from plaza.core.errors import Invalid
from plaza.core.pagination import clamp_limit, decode_cursor, encode_cursor
from plaza.search.access import visible_documents_q, visible_documents_sql
from plaza.search.engines import get_engine
from plaza.search.models import KIND_LABELS, Document, Kind
from plaza.search.segment import prefix_last, query_words
from plaza.spaces.access import app_off_q

MAX_QUERY = 200  # characters
# What a result shows: the index's words (``terms``) and the rest of the rows stay unread.
SHOWN = (
    "kind",
    "object_id",
    "space_id",
    "team_id",
    "author_id",
    "ref",
    "title",
    "text",
    "created",
    "space__slug",
    "space__name",
    "author__name",
    "author__handle",
    "author__avatar",
)
SNIPPET = 160  # characters of text around the first match


@dataclass
class Hit:
    doc: Document
    snippet: str
    url: str

    @property
    def kind(self) -> str:
        return self.doc.kind

    @property
    def label(self) -> str:
        return str(KIND_LABELS[Kind(self.doc.kind)])


# The space app each kind of result belongs to (spaces.access.APPS).
KINDS_OF_APP: dict[str, list[str]] = {
    "feed": [Kind.POST, Kind.COMMENT, Kind.TOPIC],
    "blogs": [Kind.BLOG],
    "announcements": [Kind.ANNOUNCEMENT],
    "events": [Kind.EVENT],
    "polls": [Kind.POLL],
    "showcase": [Kind.PRODUCT],
    "cases": [Kind.CASE],
    "groups": [Kind.MESSAGE],
}


def check_query(q: str | None) -> str:
    """The query without leading space; a trailing space is kept (it ends the last word,
    which then no longer matches as a prefix)."""
    text = (q or "").strip()
    if not text:
        raise Invalid(_("Enter something to search for."), field="q")
    if len(text) > MAX_QUERY:
        raise Invalid(_("Search for at most %(n)d characters.") % {"n": MAX_QUERY}, field="q")
    return text + " " if (q or "")[-1].isspace() else text


def check_kinds(value: str | None) -> list[str] | None:
    """``type`` is one kind or several separated by commas; empty means every kind."""
    if not value:
        return None
    kinds = [k.strip() for k in value.split(",") if k.strip()]
    if not kinds or any(k not in Kind.values for k in kinds):
        raise Invalid(_("Choose a valid type."), field="type")
    return kinds


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def search(
    user: Any,
    *,
    q: str,
    kinds: list[str] | None = None,
    space: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> tuple[list[Hit], str | None]:
    """The newest documents ``user`` may open now that have every word of ``q`` (the last
    one as a prefix while it is being typed), one page of them. One query.

    Newest is the index's order, the order things were created in (``do_reindex`` writes
    in that order too); the cursor names the last document's id.

    ``q`` must have passed :func:`check_query`. A query with no searchable word (only
    punctuation or emoji) finds nothing.
    """
    words = query_words(q)
    if not words:
        return [], None
    size = clamp_limit(limit)
    before = decode_cursor(cursor)[1] if cursor else None
    access = visible_documents_sql(user, kinds)
    if access is None:
        qs = Document.objects.filter(visible_documents_q(user, kinds))
    else:
        qs = Document.objects.extra(where=[access[0]], params=access[1])
    if kinds:
        qs = qs.filter(kind__in=kinds)
    # Nothing of an app its space turned off (spaces.access.app_enabled), as its pages are 404.
    qs = qs.exclude(functools.reduce(operator.or_, (Q(kind__in=of_app) & app_off_q(app) for app, of_app in KINDS_OF_APP.items())))
    if space:
        qs = qs.filter(space__slug=space)
    if date_from:
        qs = qs.filter(created__gte=_day_start(date_from))
    if date_to:
        qs = qs.filter(created__lt=_day_start(date_to + timedelta(days=1)))
    qs = qs.select_related("space", "author").only(*SHOWN)
    qs = get_engine().matching(qs, words, prefix_last(q), before=before)
    rows = list(qs[: size + 1])
    next_cursor = None
    if len(rows) > size:
        rows = rows[:size]
        next_cursor = encode_cursor(rows[-1].created, rows[-1].pk)
    return [Hit(doc, make_snippet(doc, words), result_url(doc)) for doc in rows], next_cursor


# Each kind's address, as (URL name, which argument) pairs: filled in by string, because
# reversing twenty URLs cost more than the search's query (measured with plaza bench, G9).
_ROUTES = {
    Kind.POST: ("post_detail", "pk", ""),
    Kind.COMMENT: ("post_detail", "ref", "#comment-{pk}"),
    Kind.BLOG: ("blog_detail", "pk", ""),
    Kind.ANNOUNCEMENT: ("announcement_detail", "pk", ""),
    Kind.EVENT: ("event_detail", "pk", ""),
    Kind.POLL: ("poll_detail", "pk", ""),
    Kind.PRODUCT: ("product_detail", "pk", ""),
    Kind.MAIL: ("mail_thread", "pk", ""),
    Kind.MESSAGE: ("chat_group", "ref", "#message-{pk}"),
    Kind.USER: ("person", "ref", ""),
}
_MARK = "9999999999"


@functools.lru_cache(maxsize=32)
def _url_template(name: str, with_slug: bool) -> str:
    args = ["s" + _MARK, _MARK] if with_slug else [_MARK]
    return reverse(name, args=args)


def result_url(doc: Document) -> str:
    k = Kind(doc.kind)
    if k in _ROUTES:
        name, arg, anchor = _ROUTES[k]
        value = str(doc.object_id) if arg == "pk" else quote(doc.ref, safe="")
        return _url_template(name, False).replace(_MARK, value, 1) + anchor.format(pk=doc.object_id)
    slug = doc.space.slug if doc.space is not None else ""
    if k == Kind.SPACE:
        return reverse("space_home", args=[slug])
    name = "case_detail" if k == Kind.CASE else "topic_feed"
    return _url_template(name, True).replace("s" + _MARK, slug, 1).replace(_MARK, quote(doc.ref, safe=""), 1)


def _lowered(text: str) -> str:
    """``text`` in lower case, one character for one (so positions match the original)."""
    low = text.lower()
    return low if len(low) == len(text) else "".join((c.lower() or c)[0] for c in text)


def make_snippet(doc: Document, words: list[str]) -> str:
    """Safe HTML: a piece of the text around the first matched word, every word in <mark>."""
    text = re.sub(r"\s+", " ", doc.text).strip()
    low = _lowered(text)
    hits = [i for i in (low.find(w) for w in words) if i >= 0]
    if not hits and doc.title:  # matched in the title only: show the title
        text = re.sub(r"\s+", " ", doc.title).strip()
        low = _lowered(text)
        hits = [i for i in (low.find(w) for w in words) if i >= 0]
    first = min(hits) if hits else 0
    start = max(0, first - SNIPPET // 3)
    end = min(len(text), start + SNIPPET)
    piece, low_piece = text[start:end], low[start:end]
    # Every occurrence of every word; touching ones (品鉴 + 会) become one mark.
    spans: list[list[int]] = []
    for a, b in sorted((m.start(), m.start() + len(w)) for w in words for m in re.finditer(re.escape(w), low_piece)):
        if spans and a <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], b)
        else:
            spans.append([a, b])
    out: list[str] = ["…" if start else ""]
    at = 0
    for a, b in spans:
        out.append(html.escape(piece[at:a]))
        out.append(f"<mark>{html.escape(piece[a:b])}</mark>")
        at = b
    out.append(html.escape(piece[at:]))
    out.append("…" if end < len(text) else "")
    return nh3.clean("".join(out), tags={"mark"}, attributes={})


def index_size() -> dict[str, Any]:
    """Documents in the index and the engine's size on disk (for ``plaza bench``)."""
    return {"documents": Document.objects.count(), "bytes": get_engine().size_bytes()}
