from __future__ import annotations

from django.urls import path

from plaza.blogs import views

urlpatterns = [
    path("b/<int:blog_id>/", views.blog_detail, name="blog_detail"),
    path("b/<int:blog_id>/edit/", views.blog_edit, name="blog_edit"),
    path("h/<int:headline_id>/", views.headline_open, name="headline_open"),
    path("h/<int:headline_id>/cover/", views.headline_cover, name="headline_cover"),
    path("s/<slug:slug>/blogs/", views.blog_list, name="blog_list"),
    path("s/<slug:slug>/blogs/new/", views.blog_new, name="blog_new"),
    path("s/<slug:slug>/headlines/", views.headlines_admin, name="headlines_admin"),
]
