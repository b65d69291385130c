"""Staff pages of cases, under /staff/cases/."""

from django.urls import path  # noqa: F401 - each part adds its patterns below

urlpatterns = []
