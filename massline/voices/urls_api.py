from django.urls import path

from massline.voices.api import api

urlpatterns = [path("v1/", api.urls)]
