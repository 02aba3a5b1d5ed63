from django.urls import path

from plaza.spaces import views

urlpatterns = [
    path("directory/", views.directory, name="directory"),
    path("new/", views.create_space, name="space_create"),
    path("invitations/<str:code>/", views.invitation, name="invitation"),
    path("s/<slug:slug>/join/", views.join, name="space_join"),
    path("s/<slug:slug>/members/", views.members, name="space_members"),
    path("s/<slug:slug>/members/<int:user_id>/", views.member, name="space_member"),
    path("s/<slug:slug>/members/import/", views.import_members, name="space_import"),
    path("s/<slug:slug>/members/import/<int:import_id>/", views.import_status, name="space_import_status"),
    path("s/<slug:slug>/leave/", views.leave, name="space_leave"),
    path("s/<slug:slug>/teams/", views.teams, name="space_teams"),
    path("s/<slug:slug>/teams/<int:team_id>/", views.team, name="team"),
    path("s/<slug:slug>/invitations/", views.invitations, name="space_invitations"),
    path("s/<slug:slug>/requests/", views.join_requests, name="space_requests"),
    path("s/<slug:slug>/settings/", views.settings_page, name="space_settings"),
    path("s/<slug:slug>/settings/apps/", views.apps_page, name="space_apps"),
    path("s/<slug:slug>/delete/", views.delete_space, name="space_delete"),
    path("s/<slug:slug>/transfer/", views.transfer, name="space_transfer"),
    path("s/<slug:slug>/audit/", views.audit_log, name="space_audit"),
]
