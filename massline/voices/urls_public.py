from django.urls import path, re_path

from massline.voices.views import public

urlpatterns = [
    path("", public.home, name="public-home"),
    path("submit/", public.submit, name="public-submit"),
    re_path(
        r"^receipt/(?P<code>[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2})/$",
        public.receipt,
        name="public-receipt",
    ),
    path("status/", public.status, name="public-status"),
]
