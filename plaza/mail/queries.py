"""Reads of micro-mail: folders, a message, a thread."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Prefetch

from plaza.core.errors import NotFound
from plaza.core.pagination import keyset_page
from plaza.mail.models import Delivery, DeliveryRole, Message


def _recipients() -> Prefetch:
    return Prefetch(
        "message__deliveries",
        queryset=Delivery.objects.filter(role__in=[DeliveryRole.TO, DeliveryRole.CC]).select_related("user").order_by("pk"),
        to_attr="recipient_rows",
    )


def list_folder(user: Any, folder: str, *, cursor: str | None = None, limit: int | None = None) -> tuple[list[Delivery], str | None]:
    """One page of a folder, newest first (three queries whatever the page size)."""
    qs = Delivery.objects.filter(user=user, folder=folder).select_related("message__sender").prefetch_related(_recipients())
    return keyset_page(qs, cursor=cursor, limit=limit)


def get_recipients(message: Message) -> list[Delivery]:
    return list(
        Delivery.objects.filter(message=message, role__in=[DeliveryRole.TO, DeliveryRole.CC]).select_related("user").order_by("pk")
    )


def list_thread(user: Any, thread_id: int) -> list[Delivery]:
    """The caller's deliveries of the thread's messages, oldest first; none is 404."""
    rows = list(
        Delivery.objects.filter(user=user, message__thread_id=thread_id)
        .select_related("message__sender")
        .prefetch_related(_recipients())
        .order_by("message__created", "message_id")
    )
    if not rows:
        raise NotFound()
    return rows


def count_unread(user: Any) -> int:
    return Delivery.objects.filter(user=user, folder="inbox", unread=True).count()


def list_visible_mail_ids(user: Any, ids: Iterable[int]) -> set[int]:
    """Among ``ids``, the mails ``user`` received (one query)."""
    ids = list(ids)
    if not ids or not getattr(user, "is_authenticated", False):
        return set()
    return set(
        Delivery.objects.filter(user=user, message_id__in=ids, role__in=[DeliveryRole.TO, DeliveryRole.CC])
        .values_list("message_id", flat=True)
    )


def list_recipient_choices(user: Any, *, limit: int = 500) -> list[Any]:
    """People ``user`` may mail, by name, for the compose form."""
    from plaza.accounts.models import User
    from plaza.mail.access import knowable_people_q

    ids = User.objects.filter(knowable_people_q(user), is_active=True).exclude(pk=user.pk).values("pk")
    return list(User.objects.filter(pk__in=ids).order_by("name", "pk")[:limit])


def list_team_choices(user: Any) -> list[Any]:
    """Teams ``user`` may see (and so mail), with their space, for the compose form."""
    from plaza.spaces.models import Team
    from plaza.spaces.queries import list_visible_scope_ids

    _spaces, team_ids = list_visible_scope_ids(user.pk)
    return list(Team.objects.filter(pk__in=team_ids).select_related("space").order_by("space__name", "name"))


def get_attachment(user: Any, attachment_id: int) -> Any:
    """A file of a mail ``user`` has (sender or recipient); anything else is 404."""
    from plaza.mail.access import access_mail
    from plaza.mail.models import Attachment

    found = Attachment.objects.filter(pk=attachment_id).first()
    if found is None:
        raise NotFound()
    access_mail(user, found.message_id)
    return found
