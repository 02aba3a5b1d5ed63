from django.urls import path

from plaza.accounts import views

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("profile/language/", views.set_language, name="profile_language"),
    path("profile/tokens/", views.tokens, name="tokens"),
    path("profile/tokens/<int:token_id>/revoke/", views.revoke_token, name="token_revoke"),
    path("profile/deactivate/", views.deactivate, name="deactivate"),
]
