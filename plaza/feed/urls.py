from __future__ import annotations

from django.urls import path

from plaza.feed import views

urlpatterns = [
    path("feed/", views.following_feed, name="following_feed"),
    path("u/<str:handle>/", views.person, name="person"),
    path("p/<int:post_id>/", views.post_detail, name="post_detail"),
    path("p/<int:post_id>/like/", views.like, name="post_like"),
    path("p/<int:post_id>/share/", views.share, name="post_share"),
    path("s/<slug:slug>/feed/", views.space_feed, name="space_feed"),
    path("s/<slug:slug>/feed/mentions/", views.mention_suggestions, name="mention_suggestions"),
    path("s/<slug:slug>/topics/<str:name>/", views.topic_feed, name="topic_feed"),
]
