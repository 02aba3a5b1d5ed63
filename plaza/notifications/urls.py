from django.urls import path

from plaza.notifications import views

urlpatterns = [
    path("notifications/", views.centre, name="notifications"),
    path("notifications/<int:notification_id>/open/", views.open_notification, name="notification_open"),
    path("notifications/settings/", views.settings_page, name="notification_settings"),
    path("notifications/unsubscribe/<str:token>/", views.unsubscribe, name="notification_unsubscribe"),
]
