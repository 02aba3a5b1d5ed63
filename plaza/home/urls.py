from __future__ import annotations

from django.urls import path

from plaza.home import views

urlpatterns = [
    path("", views.home, name="home"),
    path("s/<slug:slug>/", views.space_home, name="space_home"),
]
