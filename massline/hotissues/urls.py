from django.urls import path

from massline.hotissues import views

urlpatterns = [
    path("", views.issue_list, name="hotissue-list"),
    path("recompute/", views.recompute_now, name="hotissue-recompute"),
    path("<int:pk>/", views.issue_detail, name="hotissue-detail"),
    path("<int:pk>/merge-targets/", views.merge_targets, name="hotissue-merge-targets"),
    path("<int:pk>/<slug:action>/", views.issue_action, name="hotissue-action"),
]
