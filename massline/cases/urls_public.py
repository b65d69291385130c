"""Public pages of cases (no account): the person's own callback link."""

from django.urls import path  # noqa: F401 - each part adds its patterns below

urlpatterns = []
