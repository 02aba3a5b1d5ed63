from __future__ import annotations

from django.urls import path

from plaza.showcase import views

urlpatterns = [
    path("s/<slug:slug>/products/", views.product_list, name="product_list"),
    path("exhibitors/<int:exhibitor_id>/", views.exhibitor_detail, name="exhibitor_detail"),
    path("exhibitors/<int:exhibitor_id>/edit/", views.exhibitor_edit, name="exhibitor_edit"),
    path("products/<int:product_id>/", views.product_detail, name="product_detail"),
    path("inquiries/", views.my_inquiries, name="my_inquiries"),
    path("inquiries/<int:inquiry_id>/", views.inquiry_thread, name="inquiry_thread"),
    path("inquiries/t/<str:token>/", views.inquiry_thread_by_token, name="inquiry_thread_by_token"),
]
