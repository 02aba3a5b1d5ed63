"""Pages of a space's apps know their app: a page of an app turned off in its space is a 404.

The page's app comes from the module of its view (``spaces.access.app_of_route``); while the
view runs, reaching a space where that app is off raises NotFound. The API routes are wrapped
the same way in ``plaza.api``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

from plaza.spaces.access import app_of_route, reset_serving_app, set_serving_app


class SpaceAppMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # The value process_view sets lives until the answer is made, then the request's
        # thread is back to serving no app.
        token = set_serving_app(None)
        try:
            return self.get_response(request)
        finally:
            reset_serving_app(token)

    def process_view(self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any) -> None:
        set_serving_app(app_of_route(view_func))
