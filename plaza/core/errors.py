"""API errors: every non-2xx answer under /api/ is ``{"detail": ..., "code": ...}``."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

CODES_BY_STATUS = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_type",
    422: "invalid",
    429: "rate_limited",
    500: "server_error",
    503: "unavailable",
}


class PlazaError(Exception):
    """Raised by access helpers and actions; the API and the pages turn it into a response."""

    status = 400
    code = "bad_request"
    # Translated lazily in Plaza's own errors; a plain string is as good.
    default_detail: str | Promise = _("Bad request.")

    def __init__(self, detail: Any = None, *, field: str | None = None) -> None:
        if field is not None and detail is not None:
            detail = [{"loc": ["body", field], "msg": str(detail), "type": self.code}]
        self.detail = detail if detail is not None else str(self.default_detail)
        self.field = field
        super().__init__(str(self.detail))

    def message(self) -> str:
        """A human sentence for the pages."""
        if isinstance(self.detail, list):
            return "; ".join(str(item.get("msg", item)) for item in self.detail)
        return str(self.detail)


class NotFound(PlazaError):
    status, code, default_detail = 404, "not_found", _("Not found.")


class Forbidden(PlazaError):
    status, code, default_detail = 403, "forbidden", _("You may not do this.")


class NotAuthenticated(PlazaError):
    status, code, default_detail = 401, "not_authenticated", _("Sign-in required.")


class Conflict(PlazaError):
    status, code, default_detail = 409, "conflict", _("The current state does not allow this.")


class Invalid(PlazaError):
    status, code, default_detail = 422, "invalid", _("Invalid input.")


class RateLimited(PlazaError):
    status, code, default_detail = 429, "rate_limited", _("Too many requests; try again later.")

    def __init__(self, retry_after: int, detail: Any = None) -> None:
        super().__init__(detail)
        self.retry_after = retry_after
