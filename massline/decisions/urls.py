"""Staff pages of decisions: concentrated opinions, decisions, commitments, livelihood projects."""

from django.urls import path

from massline.decisions import views

urlpatterns = [
    path("", views.decision_list, name="decision-list"),
    path("<int:pk>/", views.decision_detail, name="decision-detail"),
    path("from-issue/<int:issue_pk>/", views.opinion_draft, name="opinion-draft"),
    path("opinions/<int:pk>/", views.opinion_detail, name="opinion-detail"),
    path("opinions/<int:pk>/edit/", views.opinion_edit, name="opinion-edit"),
    path("opinions/<int:pk>/decide/", views.decision_create, name="decision-create"),
    path(
        "opinions/<int:pk>/decide/row/",
        views.decision_commitment_row,
        name="decision-commitment-row",
    ),
    path("commitments/<int:pk>/", views.commitment_detail, name="commitment-detail"),
    path("commitments/<int:pk>/parts/", views.commitment_add_part, name="commitment-add-part"),
    path("programmes/", views.programme_list, name="programme-list"),
    path("programmes/import/", views.programme_import, name="programme-import"),
    path("programmes/<int:pk>/", views.programme_detail, name="programme-detail"),
]
