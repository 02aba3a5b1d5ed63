from __future__ import annotations

from django.urls import path

from plaza.calls import views

urlpatterns = [
    path("groups/<int:group_id>/call/", views.call_group, name="call_group"),
    path("s/<slug:slug>/call/", views.call_people, name="call_people"),
    path("calls/<int:call_id>/", views.call, name="call"),
]
