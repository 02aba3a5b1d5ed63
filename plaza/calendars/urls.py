from __future__ import annotations

from django.urls import path

from plaza.calendars import views

urlpatterns = [
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/entries/", views.create_entry, name="calendar_entry_create"),
    path("calendar/entries/<int:entry_id>/delete/", views.delete_entry, name="calendar_entry_delete"),
    path("calendar/feed/rotate/", views.rotate_feed, name="calendar_feed_rotate"),
    path("calendar/import/", views.import_ics, name="calendar_import"),
    path("calendar/ics/<str:secret>.ics", views.ics_feed, name="calendar_ics"),
]
