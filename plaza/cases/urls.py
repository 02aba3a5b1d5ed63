from __future__ import annotations

from django.urls import path

from plaza.cases import views

urlpatterns = [
    path("cases/lookup/", views.lookup, name="case_lookup"),
    path("cases/submitted/", views.submitted, name="case_submitted"),
    path("cases/lookup/files/<str:token>/", views.lookup_file, name="case_lookup_file"),
    path("s/<slug:slug>/cases/", views.desk, name="case_desk"),
    path("s/<slug:slug>/cases/types/", views.case_types, name="case_types"),
    path("s/<slug:slug>/cases/new/", views.submit_case, name="case_submit_choose"),
    path("s/<slug:slug>/cases/new/<int:type_id>/", views.submit_case, name="case_submit"),
    path("s/<slug:slug>/cases/<str:number>/", views.case_detail, name="case_detail"),
]
