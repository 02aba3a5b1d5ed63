"""The baseline views, included by plaza/urls.py under /bench/ only when PLAZA_BENCH=1."""

from __future__ import annotations

from django.urls import path

from bench import views

urlpatterns = [
    path("json", views.b_json),
    path("q", views.b_q),
    path("w", views.b_w),
]
