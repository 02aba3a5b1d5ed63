from __future__ import annotations

from django.urls import path

from plaza.events import views

urlpatterns = [
    path("s/<slug:slug>/events/", views.event_list, name="event_list"),
    path("s/<slug:slug>/events/new/", views.event_create, name="event_create"),
    path("events/<int:event_id>/", views.event_detail, name="event_detail"),
    path("events/<int:event_id>/edit/", views.event_edit, name="event_edit"),
    path("events/<int:event_id>/rsvp/", views.event_rsvp, name="event_rsvp"),
    path("events/<int:event_id>/cancel/", views.event_cancel, name="event_cancel"),
    path("events/<int:event_id>/approve/<int:user_id>/", views.event_approve, name="event_approve"),
    path("events/<int:event_id>/remove/<int:user_id>/", views.event_remove, name="event_remove"),
]
