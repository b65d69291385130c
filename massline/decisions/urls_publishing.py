"""Staff pages of publishing a decision: publish, and the notices to the people who raised it."""

from django.urls import path

from massline.decisions import views_publishing

urlpatterns = [
    path("<int:pk>/publish/", views_publishing.publish, name="decision-publish"),
    path("<int:pk>/unpublish/", views_publishing.unpublish, name="decision-unpublish"),
    path("<int:pk>/notices/", views_publishing.notices, name="decision-notices"),
    path(
        "programmes/<int:pk>/publish/",
        views_publishing.publish_programme,
        name="programme-publish",
    ),
]
