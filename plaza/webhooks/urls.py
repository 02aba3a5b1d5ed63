from django.urls import path

from plaza.webhooks import views

urlpatterns = [
    path("s/<slug:slug>/webhooks/", views.webhook_list, name="webhook_list"),
    path("s/<slug:slug>/webhooks/<int:webhook_id>/", views.webhook_deliveries, name="webhook_deliveries"),
]
