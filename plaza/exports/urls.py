from django.urls import path

from plaza.exports import views

urlpatterns = [
    path("s/<slug:slug>/export/", views.space_exports, name="space_exports"),
    path("profile/export/", views.my_exports, name="my_exports"),
]
