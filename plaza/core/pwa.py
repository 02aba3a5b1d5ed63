"""Installable to the home screen: the web app manifest, the service worker and the offline page.

The service worker (``/sw.js``, served from the root so its scope is the whole site) keeps
the app shell — the CSS and JavaScript every page loads, and the icons — and answers a page
navigation with the offline page when the network is gone. It never stores a page or an API
answer: those are a person's own and would outlive their sign-out on a shared device.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

THEME_COLOR = "#0172ad"
# What every page loads (base.html and the top bar): kept for offline start and fast loads.
SHELL = (
    "vendor/pico.min.css",
    "plaza.css",
    "vendor/htmx.min.js",
    "plaza.js",
    "plaza-live.js",
    "pwa.js",
    "search/search.js",
    "icons/icon-192.png",
)
ICONS = (
    ("icons/icon-192.png", "192x192", "any"),
    ("icons/icon-512.png", "512x512", "any"),
    ("icons/maskable-512.png", "512x512", "maskable"),
)


@cache
def shell_version() -> str:
    """A digest of the shell files' contents: a new release changes ``/sw.js``, so browsers
    install the new worker, which drops the old cache."""
    digest = hashlib.sha256()
    for name in SHELL:
        found = finders.find(name)
        if found:
            with open(found, "rb") as handle:
                digest.update(handle.read())
    return digest.hexdigest()[:12]


def _language(request: HttpRequest) -> str:
    wanted = request.GET.get("lang", "")
    codes = {code for code, _name in settings.LANGUAGES}
    return wanted if wanted in codes else translation.get_language()


@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    """``/manifest.webmanifest`` in the language asked for (``?lang=``) or the active one."""
    with translation.override(_language(request)):
        body = {
            "name": "Plaza",
            "short_name": "Plaza",
            "description": _("Plaza — spaces where people meet."),
            "lang": translation.get_language(),
            "start_url": "/",
            "scope": "/",
            "id": "/",
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": THEME_COLOR,
            "icons": [
                {"src": static(path), "sizes": sizes, "type": "image/png", "purpose": purpose} for path, sizes, purpose in ICONS
            ],
        }
    response = HttpResponse(json.dumps(body, ensure_ascii=False), content_type="application/manifest+json")
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """``/sw.js``: JavaScript, never cached by the HTTP cache (browsers check it for updates),
    allowed the whole site as its scope. ``?lang=`` names the offline page's language."""
    lang = _language(request)
    script = render_to_string(
        "pwa/sw.js",
        {
            "version": f"{shell_version()}-{lang}",
            "shell": json.dumps([static(name) for name in SHELL]),
            "offline_url": json.dumps(f"/offline/?lang={lang}"),
        },
    )
    response = HttpResponse(script, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    """The page shown when there is no network. It names nobody (it is kept in the browser's
    cache), so it does not use the site's layout, which shows the signed-in person."""
    with translation.override(_language(request)):
        response = render(request, "pwa/offline.html", {"theme_color": THEME_COLOR})
    response["Cache-Control"] = "no-store"
    return response
