"""The public site (no account): published decisions, commitments, livelihood projects, replies."""

from django.urls import path

from massline.decisions import views_public

urlpatterns = [
    path("", views_public.index, name="public-index"),
    path("decisions/<int:pk>/", views_public.decision, name="public-decision"),
    path("programmes/", views_public.programmes, name="public-programmes"),
    path("programmes/<int:pk>/", views_public.programme, name="public-programme"),
    path("replies/", views_public.replies, name="public-replies"),
    path("notice/<str:token>/", views_public.notice, name="public-notice"),
]
