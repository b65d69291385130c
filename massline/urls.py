from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    path("", include("massline.voices.urls_public")),
    path("staff/", include("massline.voices.urls_staff")),
    path("staff/hot-issues/", include("massline.hotissues.urls")),
    path("staff/imports/", include("massline.voices.urls_import")),
    path("staff/cases/", include("massline.cases.urls")),
    path("case/", include("massline.cases.urls_public")),
    path("staff/decisions/", include("massline.decisions.urls")),
    path("staff/decisions/", include("massline.decisions.urls_publishing")),
    path("staff/cycles/", include("massline.cycles.urls")),
    path("open/", include("massline.decisions.urls_public")),
    path("api/", include("massline.voices.urls_api")),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
