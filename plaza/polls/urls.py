from __future__ import annotations

from django.urls import path

from plaza.polls import views

urlpatterns = [
    path("s/<slug:slug>/polls/", views.poll_list, name="poll_list"),
    path("polls/<int:poll_id>/", views.poll_detail, name="poll_detail"),
]
