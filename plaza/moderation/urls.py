from django.urls import path

from plaza.moderation import views

urlpatterns = [
    path("report/<str:kind>/<int:target_id>/", views.report_form, name="report_form"),
    path("s/<slug:slug>/moderation/", views.queue, name="moderation_queue"),
    path("s/<slug:slug>/moderation/banned/", views.banned, name="moderation_banned"),
]
