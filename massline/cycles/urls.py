"""Staff pages of cycles: verification of decisions and the cycle reports."""

from django.urls import path, re_path

from massline.cycles import views

MONTH = r"(?P<month>\d{4}-\d{2})"

urlpatterns = [
    path("", views.cycle_list, name="cycle-list"),
    path("decisions/<int:pk>/verify/", views.decision_verify, name="decision-verify"),
    path("verifications/<int:pk>/", views.verification_detail, name="verification-detail"),
    re_path(rf"^{MONTH}/$", views.cycle_report, name="cycle-report"),
    re_path(
        rf"^{MONTH}/report\.(?P<kind>docx|xlsx)$", views.cycle_export, name="cycle-report-export"
    ),
]
