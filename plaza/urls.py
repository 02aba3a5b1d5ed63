from __future__ import annotations

import os

from django.contrib import admin
from django.urls import include, path

from plaza.api import api
from plaza.core import pwa
from plaza.core import views as core_views
from plaza.core.metrics import metrics_view

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("metrics", metrics_view, name="metrics"),
    path("manifest.webmanifest", pwa.manifest, name="pwa_manifest"),
    path("sw.js", pwa.service_worker, name="pwa_service_worker"),
    path("offline/", pwa.offline, name="pwa_offline"),
    path("media/<str:folder>/<str:name>", core_views.media, name="media"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("plaza.accounts.urls")),
    path("", include("plaza.notifications.urls")),
    path("", include("plaza.uploads.urls")),
    path("", include("plaza.feed.urls")),
    path("", include("plaza.chat.urls")),
    path("", include("plaza.mail.urls")),
    path("", include("plaza.calls.urls")),
    path("", include("plaza.cases.urls")),
    path("", include("plaza.polls.urls")),
    path("", include("plaza.showcase.urls")),
    path("", include("plaza.events.urls")),
    path("", include("plaza.calendars.urls")),
    path("", include("plaza.blogs.urls")),
    path("", include("plaza.announcements.urls")),
    path("", include("plaza.search.urls")),
    path("", include("plaza.webhooks.urls")),
    path("", include("plaza.moderation.urls")),
    path("", include("plaza.exports.urls")),
    path("", include("plaza.home.urls")),
    path("", include("plaza.spaces.urls")),
]

# The benchmark harness's baseline views (bench/, docs/benchmarks.md), mounted only for its runs.
if os.environ.get("PLAZA_BENCH") == "1":
    urlpatterns.insert(0, path("bench/", include("bench.urls")))
