"""One gate for untrusted input under /api/, before any route (or the Idempotency-Key
record) touches the database.

Every path parameter, query parameter, ``Idempotency-Key`` and string in a JSON or form
body is checked for NUL and lone surrogates (``core.validation.text_problem``); every integer
in a JSON body and every numeric path parameter must fit in 64 bits; JSON bodies nested
deeper than ``MAX_DEPTH`` are refused. A body larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE``
(uploads excepted: their files stream to disk) is 413 ``too_large``. Each refusal is a 4xx
in the API's error shape naming the field, as ninja's own validation errors do.

Per-field rules (text length, NFC, dates within 1900–2200, 32-bit columns) stay with the
schemas (``core.schemas.DateTimeIn``, ``Int32``) and the apps' ``check_*`` functions.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _

from plaza.core.middleware import API_PREFIX, error_response
from plaza.core.validation import INT64_MAX, text_problem

MAX_DEPTH = 20
_FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


def _invalid(loc: list[Any], msg: str) -> HttpResponse:
    return error_response(422, [{"loc": loc, "msg": msg, "type": "invalid"}], "invalid")


def _too_large() -> HttpResponse:
    return error_response(413, _("The request body is too large."), "too_large")


def _json_problem(data: Any) -> tuple[list[Any], str] | None:
    """(where, why) for the first value of a parsed JSON body the database cannot take."""
    stack: list[tuple[Any, list[Any]]] = [(data, ["body"])]
    while stack:
        value, loc = stack.pop()
        if len(loc) > MAX_DEPTH:
            return loc[:MAX_DEPTH], _("Nested too deeply.")
        if isinstance(value, str):
            problem = text_problem(value)
            if problem:
                return loc, problem
        elif isinstance(value, bool):
            continue
        elif isinstance(value, int):
            if not -INT64_MAX - 1 <= value <= INT64_MAX:
                return loc, _("The number is too large.")
        elif isinstance(value, dict):
            for key, item in value.items():
                problem = text_problem(key)
                if problem:
                    return loc, problem
                stack.append((item, [*loc, key]))
        elif isinstance(value, list):
            stack.extend((item, [*loc, i]) for i, item in enumerate(value))
    return None


def _path_problem(name: str, value: Any) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return None if -INT64_MAX - 1 <= value <= INT64_MAX else _("The number is too large.")
    if isinstance(value, str):
        problem = text_problem(value)
        if problem:
            return problem
        if value.isdigit() and int(value) > INT64_MAX:
            return _("The number is too large.")
    return None


class InputGuardMiddleware:
    """See the module docstring. Sits before ``IdempotencyMiddleware``, which reads the body."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        refused = self.check(request)
        return refused if refused is not None else self.get_response(request)

    def check(self, request: HttpRequest) -> HttpResponse | None:
        key = request.headers.get("Idempotency-Key")
        if key is not None and text_problem(key):
            return error_response(422, _("Idempotency-Key holds characters that are not allowed."), "invalid")
        for name, values in request.GET.lists():
            for value in [name, *values]:
                problem = text_problem(value)
                if problem:
                    return _invalid(["query", name], problem)
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return None
        try:
            if request.content_type in _FORM_TYPES:
                for name, values in request.POST.lists():
                    for value in [name, *values]:
                        problem = text_problem(value)
                        if problem:
                            return _invalid(["form", name], problem)
                return None
            body = request.body
        except (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent):
            return _too_large()
        except MultiPartParserError:
            return error_response(400, _("The multipart body is malformed."), "bad_request")
        if not body.strip():
            return None
        try:
            data = json.loads(body)
        except RecursionError:
            return _invalid(["body"], _("Nested too deeply."))
        except ValueError:
            return None  # not JSON: the route answers (ninja: 400)
        found = _json_problem(data)
        return _invalid(*found) if found else None

    def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: dict[str, Any]) -> HttpResponse | None:
        if not request.path.startswith(API_PREFIX):
            return None
        for name, value in kwargs.items():
            problem = _path_problem(name, value)
            if problem:
                return _invalid(["path", name], problem)
        return None
