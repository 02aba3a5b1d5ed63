"""Writing the index. The apps' actions call these inside their own transaction, so a thing
is found exactly when its write has committed (and vanishes with its delete).

Data flows one way: apps call ``search.actions``; ``search.queries`` asks the apps'
``access`` rules. Nothing here decides who may see a document.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.apps import apps as django_apps
from django.db import transaction

from plaza.core import fastsql
from plaza.search import documents
from plaza.search.models import Document, Kind
from plaza.search.segment import index_terms


def _row(doc: documents.Doc) -> dict[str, Any]:
    return {**doc, "terms": index_terms(f"{doc['title']}\n{doc['text']}")}


def index(doc: documents.Doc, *, new: bool = False) -> None:
    """Add or replace one document. ``new``: the thing was just created (one INSERT)."""
    row = _row(doc)
    if new:
        fastsql.insert(Document(**row))  # every post and comment: the ORM's insert compiler cost ~0.3 ms
        return
    key = {"kind": row.pop("kind"), "object_id": row.pop("object_id")}
    if not Document.objects.filter(**key).update(**row):
        Document.objects.create(**key, **row)


def unindex(kind: str, object_ids: int | Iterable[int]) -> None:
    ids = [object_ids] if isinstance(object_ids, int) else list(object_ids)
    if ids:
        Document.objects.filter(kind=kind, object_id__in=ids).delete()


# One hook per kind, named after it, for the apps' actions.


def index_post(post: Any, *, new: bool = False) -> None:
    index(documents.post_doc(post), new=new)


def index_comment(comment: Any, post: Any, *, new: bool = False) -> None:
    index(documents.comment_doc(comment, post), new=new)


def unindex_post(post: Any) -> None:
    """A deleted post goes, and its comments with it."""
    unindex(Kind.POST, post.pk)
    Document.objects.filter(kind=Kind.COMMENT, ref=str(post.pk), space_id=post.space_id).delete()


def index_topics(topics: Iterable[Any]) -> None:
    """Topics are added once (a topic never changes)."""
    rows = [Document(**_row(documents.topic_doc(t))) for t in topics]
    if rows:
        Document.objects.bulk_create(rows, ignore_conflicts=True)


def index_blog(blog: Any, *, new: bool = False) -> None:
    index(documents.blog_doc(blog), new=new)


def index_announcement(announcement: Any, *, new: bool = False) -> None:
    index(documents.announcement_doc(announcement), new=new)


def index_event(event: Any, *, new: bool = False) -> None:
    index(documents.event_doc(event), new=new)


def index_poll(poll: Any, options: list[str], *, new: bool = False) -> None:
    index(documents.poll_doc(poll, options), new=new)


def index_product(product: Any, *, new: bool = False) -> None:
    index(documents.product_doc(product), new=new)


def index_case(case: Any, type_name: str) -> None:
    index(documents.case_doc(case, type_name), new=True)


def index_mail(message: Any) -> None:
    index(documents.mail_doc(message), new=True)


def index_message(message: Any, group_name: str, *, new: bool = False) -> None:
    index(documents.message_doc(message, group_name), new=new)


def index_user(user: Any, *, new: bool = False) -> None:
    index(documents.user_doc(user), new=new)


def index_space(space: Any, *, new: bool = False) -> None:
    index(documents.space_doc(space), new=new)


@transaction.atomic
def do_reindex(apps: Any = django_apps) -> int:
    """Rebuild the whole index from the content (``plaza reindex``, and the migration that
    creates it). Returns the number of documents."""
    model = apps.get_model("search", "Document")
    model.objects.all().delete()
    count = 0
    batch: list[Any] = []
    for doc in documents.iter_all(apps):
        batch.append(model(**_row(doc)))
        if len(batch) >= documents.BATCH:
            model.objects.bulk_create(batch, ignore_conflicts=True)
            count += len(batch)
            batch = []
    if batch:
        model.objects.bulk_create(batch, ignore_conflicts=True)
        count += len(batch)
    return count
