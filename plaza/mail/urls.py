from __future__ import annotations

from django.urls import path

from plaza.mail import views

urlpatterns = [
    path("mail/", views.folder, name="mail"),
    path("mail/compose/", views.compose, name="mail_compose"),
    path("mail/m/<int:message_id>/", views.thread, name="mail_thread"),
    path("mail/files/<int:attachment_id>/", views.attachment, name="mail_attachment"),
    path("mail/<str:folder>/", views.folder, name="mail_folder"),
]
