"""Staff pages of cases, under /staff/cases/."""

from django.urls import path  # noqa: F401 - each part adds its patterns below

from massline.cases.views import figures, handling, replies, triage

urlpatterns = [
    path("", handling.workbench, name="case-workbench"),
    path("contact/", handling.batch_contact, name="case-batch-contact"),
    path("supervisor/", handling.supervisor_queue, name="case-supervisor-queue"),
    path("triage/", triage.queue, name="case-triage"),
    path("triage/<int:pk>/accept/", triage.accept, name="case-accept"),
    path("triage/<int:pk>/merge/", triage.merge, name="case-merge"),
    path("triage/<int:pk>/decline/", triage.decline, name="case-decline"),
    path("<int:pk>/", handling.detail, name="case-detail"),
    path("<int:pk>/step/<slug:name>/", handling.step, name="case-step"),
    path("figures/", figures.dashboard, name="cases-figures"),
    path("figures/cases/", figures.figure_cases, name="cases-figures-list"),
    path("<int:pk>/reply/check/", replies.reply_check, name="case-reply-check"),
    path("<int:pk>/reply/", replies.reply, name="case-reply"),
    path("<int:pk>/phone-callback/", replies.phone_callback, name="case-phone-callback"),
]
