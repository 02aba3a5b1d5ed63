from __future__ import annotations

from django.urls import path

from plaza.announcements import views

urlpatterns = [
    path("a/<int:announcement_id>/", views.announcement_detail, name="announcement_detail"),
    path("s/<slug:slug>/announcements/", views.announcement_list, name="announcement_list"),
    path("s/<slug:slug>/announcements/new/", views.announcement_new, name="announcement_new"),
]
