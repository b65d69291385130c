from django.urls import path

from massline.voices.views import staff

urlpatterns = [
    path("", staff.home, name="staff-home"),
    path("voices/<int:pk>/", staff.detail, name="voice-detail"),
    path("voices/<int:pk>/reveal/", staff.reveal, name="voice-reveal"),
    path("attachments/<int:pk>/", staff.attachment, name="attachment-download"),
    path("quick-entry/", staff.quick_entry, name="quick-entry"),
    path("quick-entry/caller/", staff.caller_history, name="quick-entry-caller"),
    path("access-log/", staff.access_log, name="access-log"),
]
