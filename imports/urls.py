from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("export/<slug:name>.<str:file_format>", views.ExportView.as_view(), name="export"),
]
