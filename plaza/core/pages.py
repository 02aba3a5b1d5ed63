"""Page helpers every app's views share: error pages, htmx partials, small parsers.

They know nothing of any app: the errors come from ``core.errors`` and the context of a
space page needs only an object with a ``space``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Protocol

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from plaza.core.errors import Forbidden, Invalid, NotAuthenticated, NotFound, PlazaError, RateLimited


class HasSpace(Protocol):
    """What a space page's context needs of an access object (``spaces.access.SpaceAccess``)."""

    @property
    def space(self) -> Any: ...


def page_errors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Turn the errors of access helpers and actions into pages.

    Not signed in goes to the sign-in page; missing or hidden is the 404 page; a role too
    low is the 403 page; a conflict or an error the view did not put on a form becomes a
    message on the page the person came from.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotAuthenticated:
            return redirect_to_login(request.get_full_path())
        except NotFound:
            return render(request, "404.html", status=404)
        except Forbidden as exc:
            message = "" if exc.detail == Forbidden.default_detail else exc.message()
            return render(request, "403.html", {"message": message}, status=403)
        except RateLimited as exc:
            response = render(request, "429.html", {"retry_after": exc.retry_after}, status=429)
            response["Retry-After"] = str(exc.retry_after)
            return response
        except PlazaError as exc:
            if request.method != "POST":
                return render(request, "400.html", {"message": exc.message()}, status=400)
            messages.error(request, exc.message())
            if getattr(request, "htmx", False):
                response = HttpResponse(status=200)
                response["HX-Refresh"] = "true"
                return response
            return redirect(request.path)

    return wrapper


def render_page(
    request: HttpRequest, template: str, context: dict[str, Any], *, partial: str | None = None, status: int = 200
) -> HttpResponse:
    """The full page, or the named partial of the same template when htmx asks."""
    name = f"{template}#{partial}" if partial and getattr(request, "htmx", False) else template
    return render(request, name, context, status=status)


def require_login(request: HttpRequest) -> None:
    if not request.user.is_authenticated:
        raise NotAuthenticated()


def parse_int(value: Any, field: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Invalid(_("Choose a valid entry."), field=field)


def parse_ints(values: list[str], field: str) -> list[int]:
    """The ids of a multiple choice (``request.POST.getlist``), empty entries left out."""
    return [parse_int(v, field) for v in values if v]


def space_context(acc: HasSpace, tab: str, **extra: Any) -> dict[str, Any]:
    return {"acc": acc, "space": acc.space, "tab": tab, **extra}


class StoredFile(Protocol):
    """What ``file_response`` needs of an upload row (``uploads.Attachment``, chat's and
    mail's copies, a case file)."""

    file: Any
    name: str
    content_type: str
    is_image: bool


def file_response(found: StoredFile, *, inline: bool | None = None) -> FileResponse:
    """Serve a stored upload: images inline, every other file a download (``inline``
    overrides), never sniffed by the browser, never scripted."""
    response = FileResponse(
        found.file.open("rb"),
        content_type=found.content_type,
        as_attachment=not (found.is_image if inline is None else inline),
        filename=found.name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response
