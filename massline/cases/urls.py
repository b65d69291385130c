"""Staff pages of cases, under /staff/cases/."""

from django.urls import path  # noqa: F401 - each part adds its patterns below

from massline.cases.views import figures

urlpatterns = [
    path("figures/", figures.dashboard, name="cases-figures"),
    path("figures/cases/", figures.figure_cases, name="cases-figures-list"),
]
