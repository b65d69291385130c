from django.urls import path

from massline.voices.views import imports

urlpatterns = [
    path("", imports.import_list, name="import-list"),
    path("<int:pk>/mapping/", imports.import_mapping, name="import-mapping"),
    path("<int:pk>/", imports.import_detail, name="import-detail"),
]
