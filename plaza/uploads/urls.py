from __future__ import annotations

from django.urls import path

from plaza.uploads import views

urlpatterns = [
    path("files/<int:attachment_id>/", views.attachment, name="attachment"),
]
