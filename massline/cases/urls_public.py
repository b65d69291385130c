"""Public pages of cases (no account): the person's own callback link."""

from django.urls import path  # noqa: F401 - each part adds its patterns below

from massline.cases.views import callbacks

urlpatterns = [
    path("callback/<str:token>/", callbacks.callback, name="case-callback"),
]
