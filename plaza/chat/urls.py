from __future__ import annotations

from django.urls import path

from plaza.chat import views

urlpatterns = [
    path("s/<slug:slug>/groups/", views.group_list, name="chat_groups"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/direct/", views.direct_chat, name="chat_direct"),
    path("groups/<int:group_id>/", views.chat, name="chat_group"),
    path("groups/files/<int:attachment_id>/", views.attachment, name="chat_attachment"),
]
